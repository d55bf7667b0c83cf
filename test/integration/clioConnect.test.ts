import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startClioSandbox, startLawPaySandbox, type ClioSandboxHandle, type LawPaySandboxHandle } from '../../sandbox';
import { createSecretBox } from '../../store/encryption';
import { loadConfig } from '../../worker/config';
import { buildFirmRegistry } from '../../worker/firms';
import { buildIngress } from '../../worker/ingress/server';
import { createLogger } from '../../worker/logger';
import { createMetrics } from '../../worker/metrics';
import { TEST_SECRET_KEY } from '../support/codec';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { freePort } from '../support/ports';
import { devServerEnvironment } from '../support/temporal';

/**
 * Connecting a firm's Clio account (issue 10, finding 1) as an admin does it: `matterpay connect clio` (a spawned
 * process) mints a single-use start link; the browser follows it to Clio (the sandbox, which approves as whoever is
 * signed in) and back to the callback. A firm checks: nobody without the command can start a connection, a link works
 * once, and another Clio account never silently takes over the connection.
 */
const BIN = path.resolve(__dirname, '../../bin/matterpay.js');
const FIRM = 'connect-firm';

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let clio: ClioSandboxHandle;
let lawpay: LawPaySandboxHandle;
let app: FastifyInstance;
let ingressUrl: string;

beforeAll(async () => {
  env = await devServerEnvironment();
  database = await createTestDatabase();
  clio = await startClioSandbox({ port: 0 });
  lawpay = await startLawPaySandbox({ port: 0 });
  const port = await freePort();
  ingressUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig(
    { FIRM_ID: FIRM, PUBLIC_BASE_URL: ingressUrl, LOG_LEVEL: 'silent' },
    { dotenvPath: '/nonexistent' },
  );
  const box = createSecretBox([Buffer.from(TEST_SECRET_KEY, 'base64')]);
  const logger = createLogger('silent');
  const firms = buildFirmRegistry({
    config,
    db: database.db,
    box,
    logger,
    endpoints: {
      clio: { clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret', baseUrl: clio.url },
      lawpay: {
        apiUrl: lawpay.url,
        secretKey: 'sandbox_secret_key',
        paymentPageUrl: lawpay.hostedPageUrl('operating'),
      },
      stripe: null,
    },
  });
  app = await buildIngress({
    config,
    temporal: env.client,
    db: database.db,
    logger,
    metrics: createMetrics(),
    firms,
    box,
  });
  await app.listen({ host: '127.0.0.1', port });
});

afterAll(async () => {
  await app?.close();
  await clio?.close();
  await lawpay?.close();
  await database?.drop();
  await env?.teardown();
});

function matterpay(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      FIRM_ID: FIRM,
      PUBLIC_BASE_URL: ingressUrl,
      LOG_LEVEL: 'silent',
      MATTERPAY_SECRET_KEYS: TEST_SECRET_KEY,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `matterpay connect clio --no-wait [--replace]`, and the start link it printed. */
async function startLink(extra: string[] = []): Promise<string> {
  const run = await matterpay(['connect', 'clio', '--no-wait', ...extra]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const link = run.stdout.match(/https?:\/\/\S+\/oauth\/clio\/start\S*/)?.[0];
  if (!link) throw new Error(`no start link in:\n${run.stdout}`);
  return link;
}

/** What the admin's browser does with a start link: to Clio, where the signed-in user approves, and back. */
async function followInBrowser(link: string): Promise<{ status: number; page: string; stoppedAt: string }> {
  let url = link;
  for (let hop = 0; hop < 5; hop++) {
    const response = await fetch(url, { redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location)
      return { status: response.status, page: await response.text(), stoppedAt: url };
    url = new URL(location, url).toString();
  }
  throw new Error('too many redirects');
}

async function connection(): Promise<{ clio_user_id: string | null; access_token_sealed: string } | undefined> {
  const { rows } = await database.db.query(
    'SELECT clio_user_id, access_token_sealed FROM clio_connections WHERE firm_id = $1',
    [FIRM],
  );
  return rows[0];
}

async function signInToClioAs(name: string, email: string): Promise<number> {
  const created = await fetch(`${clio.url}/__sandbox/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, email }),
  });
  const { id } = (await created.json()) as { id: number };
  await fetch(`${clio.url}/__sandbox/signed_in_user`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user_id: id }),
  });
  return id;
}

describe('connecting Clio: only an admin starts it, a link works once, and another account needs --replace', () => {
  it('refuses a start nobody minted with `matterpay connect clio`', async () => {
    const forgedStart = await followInBrowser(`${ingressUrl}/oauth/clio/start?firm=${FIRM}`);
    expect(forgedStart.status).toBe(403);
    const guessed = await followInBrowser(
      `${ingressUrl}/oauth/clio/start?request=${randomBytes(32).toString('base64url')}`,
    );
    expect(guessed.status).toBe(403);
    expect(await connection()).toBeUndefined();
  });

  it('connects through a minted link once; the same link is refused the second time', async () => {
    const link = await startLink();
    const first = await followInBrowser(link);
    expect(first.status).toBe(200);
    expect(first.page).toContain('Clio is connected');
    expect((await connection())?.clio_user_id).toBe('1');

    const again = await followInBrowser(link);
    expect(again.status).toBe(403);
    expect(again.page).toContain('already been used');

    // The admin who runs it again is told who is connected, and what signing in again would do.
    const connected = new RegExp(`^Clio is connected for ${FIRM} as \\S.* \\(http://127\\.0\\.0\\.1:\\d+\\); `, 'm');
    const renew = await matterpay(['connect', 'clio', '--no-wait']);
    expect(renew.stdout).toMatch(connected);
    expect(renew.stdout).toContain(
      'signing in again with the same account renews the tokens (another account needs --replace).',
    );
    const replace = await matterpay(['connect', 'clio', '--no-wait', '--replace']);
    expect(replace.stdout).toMatch(connected);
    expect(replace.stdout).toContain('with --replace, any Clio account you sign in with replaces it.');
  });

  it('keeps the connection when a different Clio account signs in, unless the admin asked for --replace', async () => {
    const before = await connection();
    const otherUser = await signInToClioAs('Mallory Other', 'mallory@elsewhere.example');

    const refused = await followInBrowser(await startLink());
    expect(refused.status).toBe(409);
    expect(refused.page).toContain('--replace');
    expect(await connection()).toEqual(before); // same account, same sealed tokens

    const replaced = await followInBrowser(await startLink(['--replace']));
    expect(replaced.status).toBe(200);
    expect((await connection())?.clio_user_id).toBe(String(otherUser));
  });
});
