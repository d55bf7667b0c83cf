import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../worker/config';
import { startSandboxesWhereNeeded } from '../../worker/engine/sandboxes';
import type { SandboxSet } from '../../worker/engine/sandboxes';
import { freePort } from '../support/ports';
import { postJson, requestJson } from './support';

/**
 * A second `npm start` on the same data dir logged `could not set up the Clio webhooks … Clio token endpoint: 400`:
 * the store kept the firm's Clio connection, but the embedded sandboxes had forgotten everything (tokens, matters,
 * LawPay's transactions), so the README's "a second `npm start` carries on where the first stopped" was not true of
 * them. The sandboxes `matterpay start` runs now keep their records under the data dir.
 */
describe('the sandboxes of npm start across a restart', () => {
  let dataDir: string;
  let running: SandboxSet | null = null;
  const start = async () => {
    const ports = { clio: String(await freePort()), lawpay: String(await freePort()) };
    const config = loadConfig(
      {
        MATTERPAY_DATA_DIR: dataDir,
        SANDBOX_CLIO_PORT: ports.clio,
        SANDBOX_LAWPAY_PORT: ports.lawpay,
        LOG_LEVEL: 'silent',
      },
      { dotenvPath: '/nonexistent' },
    );
    running = await startSandboxesWhereNeeded(config, { allowed: true });
    return { clio: running.clioSandboxUrl!, lawpay: running.lawPaySandboxUrl!, sandboxes: running };
  };
  const stop = async () => {
    await running?.stop();
    running = null;
  };

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-sandbox-state-'));
  });
  afterEach(async () => {
    await stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the firm’s Clio connection, its matters and the next ids', async () => {
    const first = await start();
    const authorize = await fetch(
      `${first.clio}/oauth/authorize?response_type=code&client_id=sandbox-client-id&redirect_uri=${encodeURIComponent('http://127.0.0.1:1/cb')}`,
      { redirect: 'manual' },
    );
    const code = new URL(authorize.headers.get('location')!).searchParams.get('code');
    const grant = await postJson<{ access_token: string; refresh_token: string }>(`${first.clio}/oauth/token`, {
      grant_type: 'authorization_code',
      code,
      client_id: 'sandbox-client-id',
      client_secret: 'sandbox-client-secret',
      redirect_uri: 'http://127.0.0.1:1/cb',
    });
    expect(grant.status).toBe(200);
    const matter = await postJson<{ id: number; display_number: string }>(`${first.clio}/__sandbox/matters`, {
      description: 'Estate planning',
      client: { name: 'Ada Lovelace', email: 'ada@example.com' },
      billing_method: 'hourly',
    });
    await stop();

    const second = await start();
    const refreshed = await postJson(`${second.clio}/oauth/token`, {
      grant_type: 'refresh_token',
      refresh_token: grant.body.refresh_token,
      client_id: 'sandbox-client-id',
      client_secret: 'sandbox-client-secret',
    });
    const served = await requestJson<{ data: { id: number; display_number: string } }>(
      `${second.clio}/api/v4/matters/${matter.body.id}.json?fields=id,display_number`,
      { headers: { authorization: `Bearer ${grant.body.access_token}` } },
    );
    const next = await postJson<{ id: number }>(`${second.clio}/__sandbox/matters`, {
      description: 'Probate',
      client: { name: 'Ada Lovelace', email: 'ada@example.com' },
      billing_method: 'hourly',
    });
    expect({ refresh: refreshed.status, matter: served.status, display: served.body.data?.display_number }).toEqual({
      refresh: 200,
      matter: 200,
      display: matter.body.display_number,
    });
    expect(next.body.id).toBeGreaterThan(matter.body.id);
  });

  it('keeps LawPay’s transactions, and its webhook to the ingress once however often it is registered', async () => {
    const first = await start();
    await first.sandboxes.registerLawPayWebhook('http://127.0.0.1:1/webhooks/lawpay');
    const paid = await postJson<{ id: string }>(`${first.lawpay}/__sandbox/pay`, {
      amount_cents: 12_500,
      reference: 'INV-00042-1',
    });
    expect(paid.status).toBeLessThan(300);
    await stop();

    const second = await start();
    await second.sandboxes.registerLawPayWebhook('http://127.0.0.1:1/webhooks/lawpay');
    const state = await requestJson<{ transactions: Array<{ id: string; amount: number }>; webhooks: unknown[] }>(
      `${second.lawpay}/__sandbox/state`,
    );
    expect({
      transactions: state.body.transactions.map((transaction) => transaction.amount),
      webhooks: state.body.webhooks.length,
    }).toEqual({ transactions: [12_500], webhooks: 1 });
  });

  it('refuses a state file it cannot read, naming it, instead of starting afresh on a guess', async () => {
    fs.mkdirSync(path.join(dataDir, 'sandboxes'), { recursive: true });
    const file = path.join(dataDir, 'sandboxes', 'clio.json');
    fs.writeFileSync(file, '{"version":1,"sandbox":"Clio","state":');
    await expect(start()).rejects.toThrow(
      `the Clio sandbox's state file ${file} is not valid JSON (Unexpected end of JSON input); delete it to start that sandbox afresh`,
    );
  });
});
