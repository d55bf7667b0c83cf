import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { FirmServices } from '../../activities/deps';
import type { Mailer, PaymentProcessor } from '../../connectors/ports';
import { workflowIds } from '../../shared/workflowIds';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startSandboxedClio, waitFor, type SandboxedClio } from '../support/sandboxes';
import { bundle, devServerEnvironment, uniqueTaskQueue } from '../support/temporal';
import { TEST_SECRET_KEY, encryptingClient, testDataConverter } from '../support/codec';
import { startParkedPayment } from '../support/workflowStarts';
import { startTcpProxy } from '../support/tcpProxy';
import { commandEnv } from '../support/cli';

/**
 * The lookup-table commands as an admin runs them (`node bin/matterpay.js …` in its own process): `matterpay link`
 * against a seeded store and parked payments on the dev server, and `matterpay backfill` against a worker running
 * here with the Clio-style sandbox.
 */

const BIN = path.resolve(__dirname, '../../bin/matterpay.js');
/** Unique per run: parked payments are found by FirmId on the shared dev server. */
const FIRM = `link-cli-${randomBytes(3).toString('hex')}`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let database: TestDatabase;
let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundleWithSourceMap;
let workDir: string;
const cleanups: Array<() => Promise<unknown>> = [];

function spawnMatterpay(
  args: string[],
  env: Record<string, string> = {},
): ChildProcess & { done: Promise<Run>; output: () => Run } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: workDir,
    env: commandEnv(database.url, FIRM, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return Object.assign(child, { done, output: () => ({ code: child.exitCode, stdout, stderr }) });
}

const matterpay = (args: string[], extraEnv: Record<string, string> = {}) => spawnMatterpay(args, extraEnv).done;

async function links(reference: string) {
  const { rows } = await database.db.query(
    'SELECT processor, practice_matter_id, matter_display_number, source FROM matter_links WHERE firm_id = $1 AND external_reference = $2 ORDER BY processor',
    [FIRM, reference],
  );
  return rows;
}

async function canonical(displayNumber: string, matterId: string): Promise<void> {
  await database.db.query(
    `INSERT INTO matter_links (firm_id, processor, external_reference, practice_matter_id, matter_display_number, source) VALUES ($1, 'any', $2, $3, $2, 'backfill')`,
    [FIRM, displayNumber, matterId],
  );
}

/** A payment parked as unmatched for the firm, on a task queue no worker polls: it keeps every signal in its history. */
async function parkedPayment() {
  const handle = await startParkedPayment(encryptingClient(env), FIRM);
  cleanups.push(() => handle.terminate('test over'));
  const query = `ReconcileState = 'unmatched' AND FirmId = '${FIRM}' AND ExecutionStatus = 'Running'`;
  await waitFor(async () => (await encryptingClient(env).workflow.count(query)).count >= 1, { timeoutMs: 10_000 });
  return handle;
}

async function signalsReceived(workflowId: string): Promise<string[]> {
  const history = await encryptingClient(env).workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((event) =>
    event.workflowExecutionSignaledEventAttributes?.signalName
      ? [event.workflowExecutionSignaledEventAttributes.signalName]
      : [],
  );
}

beforeAll(async () => {
  env = await devServerEnvironment();
  [database, workflowBundle] = await Promise.all([createTestDatabase(), bundle(require.resolve('../../workflows'))]);
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-cli-'));
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await database?.drop();
  await env?.teardown();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe('matterpay link', () => {
  beforeAll(async () => {
    await canonical('00001-Smith', '101');
    await canonical('00002-Jones', '102');
    // "103" is the display number of one matter and the id of another.
    await canonical('103', '555');
    await canonical('00003-Brown', '103');
  });

  it('refuses a matter the lookup table does not know, and says to run the backfill', async () => {
    const result = await matterpay(['link', 'LEG-1', '00099-Nobody']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/matter "00099-Nobody" is not in the lookup table .*run `matterpay backfill`/);
    expect(await links('LEG-1')).toEqual([]);
  });

  it('maps a reference to a matter by display number, and wakes the parked payments', async () => {
    const parked = await parkedPayment();
    const result = await matterpay(['link', 'LEG-1', '00001-Smith']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'Mapped "LEG-1" to matter 00001-Smith (id 101): payments from any processor carrying it now go to that matter.',
    );
    expect(result.stdout).toContain('Woke 1 parked payment to retry its match.');
    expect(await links('LEG-1')).toEqual([
      { processor: 'any', practice_matter_id: '101', matter_display_number: '00001-Smith', source: 'admin' },
    ]);
    expect(await signalsReceived(parked.workflowId)).toEqual(['retryMatch']);
    await parked.terminate('test over');
  });

  it('never remaps: a reference mapped to another matter is refused, naming that matter', async () => {
    const result = await matterpay(['link', 'LEG-1', '102']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '"LEG-1" is already mapped to matter 00001-Smith (id 101; any processor, added by admin)',
    );
    expect(result.stderr).toContain('it was not mapped to 00002-Jones');
    expect(await links('LEG-1')).toEqual([
      { processor: 'any', practice_matter_id: '101', matter_display_number: '00001-Smith', source: 'admin' },
    ]);

    // A processor-specific row would win over the one for any processor: refused as well.
    const narrower = await matterpay(['link', 'LEG-1', '00002-Jones', '--processor', 'lawpay']);
    expect(narrower.code).toBe(1);
    expect(await links('LEG-1')).toHaveLength(1);
  });

  it('maps by practice-system id for one processor, and a repeat changes nothing', async () => {
    const first = await matterpay(['link', 'LP-7', '102', '--processor', 'lawpay', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      firmId: FIRM,
      reference: 'LP-7',
      processor: 'lawpay',
      practiceMatterId: '102',
      matterDisplayNumber: '00002-Jones',
      added: true,
      parkedPaymentsWoken: 0,
      error: null,
    });
    const again = await matterpay(['link', 'LP-7', '00002-Jones', '--processor', 'lawpay']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('"LP-7" was already mapped to matter 00002-Jones (id 102); nothing changed.');
    expect(await links('LP-7')).toEqual([
      { processor: 'lawpay', practice_matter_id: '102', matter_display_number: '00002-Jones', source: 'admin' },
    ]);
  });

  it('keeps the mapping and says so when Temporal cannot be reached to wake parked payments; running it again wakes them', async () => {
    const offline = await matterpay(['link', 'LEG-2', '00002-Jones'], {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      TEMPORAL_WAIT: '2s',
    });
    expect(offline.code).toBe(1);
    expect(offline.stdout).toContain('Mapped "LEG-2" to matter 00002-Jones (id 102)');
    expect(offline.stderr).toMatch(
      /The mapping is saved, but parked payments were not woken: cannot reach Temporal at 127\.0\.0\.1:1:.*Run the same command again/,
    );
    expect(await links('LEG-2')).toHaveLength(1);
    const offlineJson = await matterpay(['link', 'LEG-3', '00002-Jones', '--json'], {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      TEMPORAL_WAIT: '2s',
    });
    expect(offlineJson.code).toBe(1);
    expect(JSON.parse(offlineJson.stdout)).toEqual({
      firmId: FIRM,
      reference: 'LEG-3',
      processor: 'any',
      practiceMatterId: '102',
      matterDisplayNumber: '00002-Jones',
      added: true,
      parkedPaymentsWoken: null,
      error: expect.stringMatching(/^cannot reach Temporal at 127\.0\.0\.1:1: /),
    });
    const again = await matterpay(['link', 'LEG-2', '00002-Jones']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Woke 0 parked payments to retry their match.');
  });

  it("asks which matter when the argument is one matter's display number and another's id", async () => {
    const ambiguous = await matterpay(['link', 'AMB-1', '103']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain('say which with number:103 or id:103');
    const byId = await matterpay(['link', 'AMB-1', 'id:103', '--json']);
    expect(byId.code).toBe(0);
    expect(JSON.parse(byId.stdout)).toMatchObject({
      practiceMatterId: '103',
      matterDisplayNumber: '00003-Brown',
      added: true,
    });
  });
});

describe('matterpay backfill', () => {
  let clio: SandboxedClio;
  const MATTERS = 450;

  beforeAll(async () => {
    clio = await startSandboxedClio();
    cleanups.push(() => clio.close());
    await clio.post('/__sandbox/matters/bulk', { count: MATTERS });
  });

  async function startWorker(taskQueue: string): Promise<void> {
    const services: FirmServices = {
      firmId: FIRM,
      practice: clio.connector.practice,
      processor: {} as PaymentProcessor,
      mailer: {} as Mailer,
      timeZone: 'America/New_York',
      publicBaseUrl: 'http://pay.firm.test',
      staffEmail: null,
      payLinkTtlMs: 90 * 86_400_000,
    };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle,
      dataConverter: testDataConverter,
      activities: createActivities({
        db: database.db,
        temporal: { client: encryptingClient(env), taskQueue },
        firm: () => services,
      }),
    });
    const running = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
  }

  it('runs a backfill to the end and prints its totals; the same run id reports it instead of running it again', async () => {
    const taskQueue = uniqueTaskQueue('cli-backfill');
    await startWorker(taskQueue);
    const json = await matterpay(['backfill', '--run-id', 'first', '--json'], { TEMPORAL_TASK_QUEUE: taskQueue });
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      workflowId: workflowIds.backfillMatterLinks(FIRM, 'first'),
      firmId: FIRM,
      runId: 'first',
      pages: 3,
      matters: MATTERS,
      linksAdded: MATTERS,
      done: true,
      parkedPaymentsWoken: 0,
    });

    const again = await matterpay(['backfill', '--run-id', 'first'], { TEMPORAL_TASK_QUEUE: taskQueue });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `Backfill first of ${FIRM} had already finished (use a new --run-id to run another):`,
    );
    expect(again.stdout).toMatch(/Matters scanned\s+450/);
    expect(again.stdout).toMatch(/Links added\s+450/);
  });

  it('Ctrl-C stops watching, not the backfill; the same run id attaches to it again', async () => {
    // No worker on this queue yet: the backfill waits, as it would with every worker down.
    const taskQueue = uniqueTaskQueue('cli-backfill');
    const watching = spawnMatterpay(['backfill', '--run-id', 'second'], { TEMPORAL_TASK_QUEUE: taskQueue });
    await waitFor(() => watching.output().stdout.includes('Ctrl-C stops watching'), { timeoutMs: 20_000 });
    watching.kill('SIGINT');
    const stopped = await watching.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toContain('Started backfill second of');
    expect(stopped.stdout).toContain('Stopped watching. Backfill second carries on in the worker');
    expect(stopped.stdout).toContain('matterpay backfill --run-id second');
    const handle = encryptingClient(env).workflow.getHandle(workflowIds.backfillMatterLinks(FIRM, 'second'));
    expect((await handle.describe()).status.name).toBe('RUNNING');

    // Run again with the same run id: it attaches to the waiting backfill, which finishes once a worker is up.
    const again = spawnMatterpay(['backfill', '--run-id', 'second'], { TEMPORAL_TASK_QUEUE: taskQueue });
    await waitFor(() => again.output().stdout.includes(`Watching the running backfill second of ${FIRM}`), {
      timeoutMs: 20_000,
    });
    await startWorker(taskQueue);
    const attached = await again.done;
    expect(attached.code).toBe(0);
    expect(attached.stdout).toMatch(/finished in [\d.]+ s:/);
    expect(attached.stdout).toMatch(/Links added\s+0 \(every matter was already mapped\)/);
    // One workflow under that id, never two.
    const runs: string[] = [];
    for await (const execution of encryptingClient(env).workflow.list({ query: `WorkflowId = '${handle.workflowId}'` }))
      runs.push(execution.runId);
    expect(runs).toHaveLength(1);
  });

  /** Temporal reached through a TCP proxy the test can cut, as the chaos harness cuts the network to Temporal. */
  async function cuttableTemporal() {
    const [host, port] = process.env.TEST_TEMPORAL_ADDRESS!.split(':') as [string, string];
    const proxy = await startTcpProxy({ host, port: Number(port) });
    cleanups.push(() => proxy.stop());
    return proxy;
  }

  /** The command's output so far, failing at once (with what it printed) if it exited. */
  const stillRunning = (command: ReturnType<typeof spawnMatterpay>) => {
    const output = command.output();
    if (command.exitCode !== null) throw new Error(`matterpay exited (${command.exitCode}): ${output.stderr}`);
    return output;
  };

  // Found by the chaos harness (seed 20261201, CI size): the backfill it runs exited during the 30 s network cut.
  it('waits out a Temporal outage while it watches, saying so, and reports the finished backfill', async () => {
    const proxy = await cuttableTemporal();
    const taskQueue = uniqueTaskQueue('cli-backfill');
    const watching = spawnMatterpay(['backfill', '--run-id', 'outage'], {
      TEMPORAL_TASK_QUEUE: taskQueue,
      TEMPORAL_ADDRESS: `127.0.0.1:${proxy.port}`,
    });
    await waitFor(() => stillRunning(watching).stdout.includes('Started backfill outage'), { timeoutMs: 20_000 });
    await proxy.cut();
    await waitFor(
      () => /Temporal at 127\.0\.0\.1:\d+ is unreachable; waiting for it/.test(stillRunning(watching).stderr),
      {
        timeoutMs: 20_000,
        what: 'the command to say it waits for Temporal',
      },
    );
    // Longer than the Temporal client's own retries last (about 20 s), like the harness's 30 s cut.
    await new Promise((resolve) => setTimeout(resolve, 25_000));
    stillRunning(watching);
    await proxy.restore();
    await startWorker(taskQueue);
    const finished = await watching.done;
    expect(finished).toEqual({
      code: 0,
      stdout: expect.stringMatching(/Backfill outage of .* finished in[^]*Matters scanned\s+450/),
      stderr: expect.not.stringMatching(/\n\s+at /),
    });
  }, 90_000);

  it('started while Temporal is unreachable, waits for it and then runs', async () => {
    const proxy = await cuttableTemporal();
    await proxy.cut();
    const taskQueue = uniqueTaskQueue('cli-backfill');
    await startWorker(taskQueue);
    const waiting = spawnMatterpay(['backfill', '--run-id', 'started-in-outage', '--json'], {
      TEMPORAL_TASK_QUEUE: taskQueue,
      TEMPORAL_ADDRESS: `127.0.0.1:${proxy.port}`,
    });
    await waitFor(() => /Temporal at 127\.0\.0\.1:\d+ is unreachable/.test(stillRunning(waiting).stderr), {
      timeoutMs: 30_000,
      what: 'the command to say it waits for Temporal',
    });
    await proxy.restore();
    const finished = await waiting.done;
    expect(finished.code).toBe(0);
    expect(JSON.parse(finished.stdout)).toMatchObject({ runId: 'started-in-outage', matters: 450, done: true });
  }, 90_000);
});
