import type { ClioSandboxHandle } from '../../sandbox';
import type { JsonResponse } from './support';
import { postJson, requestJson } from './support';

/** A tiny Clio client for tests: bearer token, JSON, the sandbox's base URL. */
export function clioClient(sandbox: ClioSandboxHandle, token = sandbox.issueTokens().access_token) {
  const auth = { authorization: `Bearer ${token}` };
  return {
    token,
    get: <T = unknown>(path: string, headers: Record<string, string> = {}): Promise<JsonResponse<T>> =>
      requestJson<T>(`${sandbox.url}${path}`, { headers: { ...auth, ...headers } }),
    send: <T = unknown>(
      method: string,
      path: string,
      body: unknown,
      headers: Record<string, string> = {},
    ): Promise<JsonResponse<T>> => postJson<T>(`${sandbox.url}${path}`, body, { ...auth, ...headers }, method),
  };
}

export interface NewMatter {
  description?: string;
  client?: { name: string; email?: string | null };
  billing_method?: 'hourly' | 'flat' | 'contingency';
  flat_fee_cents?: number;
  billing_day?: number;
  trust_balance_cents?: number;
}

export async function createMatter(
  sandbox: ClioSandboxHandle,
  input: NewMatter = {},
): Promise<{ id: number; display_number: string; client_id: number }> {
  const response = await postJson<{ id: number; display_number: string; client_id: number }>(
    `${sandbox.url}/__sandbox/matters`,
    {
      description: 'Estate planning',
      client: { name: 'Ada Lovelace', email: 'ada@example.com' },
      billing_method: 'hourly',
      ...input,
    },
  );
  if (response.status !== 201) throw new Error(`matter not created: ${JSON.stringify(response.body)}`);
  return response.body;
}
