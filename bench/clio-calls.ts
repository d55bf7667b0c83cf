/**
 * How many Clio API calls it takes to read one matter the way the billing activity does (activities/billing.ts,
 * evaluateMatter): getMatter (the trust balance, client and billing terms come with it) and listApprovedEntries
 * (200 entries per page). Counted with the connector's own `onRequest` hook against a local Clio sandbox.
 *
 *   node bin/run-ts.js bench/clio-calls.ts
 */
import { ClioTokenManager, createClioConnector, type ClioTokens } from '../connectors/clio';
import { startClioSandbox, type ClioSandboxHandle } from '../sandbox';

async function control<T>(sandbox: ClioSandboxHandle, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** An hourly matter with trust and `entries` approved (submitted, billable) time entries. */
async function matterWithEntries(sandbox: ClioSandboxHandle, entries: number): Promise<number> {
  const { id } = await control<{ id: number }>(sandbox, '/__sandbox/matters', {
    description: `Bench matter with ${entries} entries`,
    client: { name: 'Bench Client', email: 'bench@example.com' },
    billing_method: 'hourly',
    trust_balance_cents: 500_000,
  });
  for (let index = 0; index < entries; index += 1) {
    await control(sandbox, '/__sandbox/activities', {
      matter_id: id,
      hours: 0.5,
      rate_cents: 30_000,
      note: `Entry ${index + 1}`,
    });
  }
  return id;
}

async function main(): Promise<void> {
  const sandbox = await startClioSandbox({ port: 0 });
  const issued = sandbox.issueTokens();
  let tokens: ClioTokens = {
    accessToken: issued.access_token,
    refreshToken: issued.refresh_token,
    expiresAt: new Date(Date.now() + issued.expires_in * 1000),
  };
  const store = { load: async () => tokens, save: async (next: ClioTokens) => void (tokens = next) };
  const calls: Array<{ method: string; path: string }> = [];
  const clio = createClioConnector({
    baseUrl: sandbox.url,
    tokens: new ClioTokenManager(
      { clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret', baseUrl: sandbox.url },
      store,
    ),
    onRequest: (method, path) => calls.push({ method, path }),
  });

  try {
    for (const entryCount of [250, 150]) {
      const matterId = String(await matterWithEntries(sandbox, entryCount));
      calls.length = 0;
      const matter = await clio.practice.getMatter(matterId);
      const entries = await clio.practice.listApprovedEntries(matter.id);
      if (entries.length !== entryCount)
        throw new Error(`expected ${entryCount} approved entries, read ${entries.length}`);
      const matterCalls = calls.filter((call) => /\/matters\/\d+/.test(call.path)).length;
      const entryPages = calls.filter((call) => call.path.startsWith('/api/v4/activities')).length;
      const trust = (matter.trustBalanceCents / 100).toFixed(2);
      console.log(
        `Clio API calls to read one matter + approved entries + trust (${entryCount} entries, trust $${trust}): ` +
          `${calls.length} (${matterCalls} matter, ${entryPages} page${entryPages === 1 ? '' : 's'} of entries)`,
      );
    }
  } finally {
    await clio.limiter.stop();
    await sandbox.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
