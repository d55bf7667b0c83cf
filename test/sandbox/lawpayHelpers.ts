import type { LawPaySandboxHandle } from '../../sandbox';
import type { JsonResponse } from './support';
import { postJson, requestJson } from './support';

export function basicAuth(secretKey: string): string {
  return `Basic ${Buffer.from(`${secretKey}:`).toString('base64')}`;
}

/** A tiny gateway client for tests: Basic auth with the secret key, JSON. */
export function lawPayClient(sandbox: LawPaySandboxHandle, secretKey = 'sandbox_secret_key') {
  const auth = { authorization: basicAuth(secretKey) };
  return {
    get: <T = unknown>(path: string): Promise<JsonResponse<T>> =>
      requestJson<T>(`${sandbox.url}${path}`, { headers: auth }),
    post: <T = unknown>(path: string, body: unknown): Promise<JsonResponse<T>> =>
      postJson<T>(`${sandbox.url}${path}`, body, auth),
  };
}

export interface MerchantBody {
  merchant_accounts: Array<{ id: string; name: string; trust_account: boolean; status: string; currency: string }>;
  ach_accounts: Array<{ id: string }>;
}

export async function accountIds(sandbox: LawPaySandboxHandle): Promise<{ operating: string; trust: string }> {
  const merchant = await lawPayClient(sandbox).get<MerchantBody>('/v1/merchant');
  return {
    operating: merchant.body.merchant_accounts.find((account) => !account.trust_account)!.id,
    trust: merchant.body.merchant_accounts.find((account) => account.trust_account)!.id,
  };
}
