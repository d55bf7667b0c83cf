import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { FirmServices } from '../../activities/deps';
import type { Mailer, PaymentProcessor, PracticeManagement } from '../../connectors/ports';
import { backfillProgressQuery, type BackfillProgress } from '../../shared/messages';
import { FIRM_ID } from '../../shared/searchAttributes';
import { workflowIds } from '../../shared/workflowIds';
import { backfillMatterLinks, type BackfillResult } from '../../workflows/backfillMatterLinks';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { bundle, devServerEnvironment, uniqueTaskQueue } from '../support/temporal';
import { createClioMatter, startSandboxedClio, waitFor, type SandboxedClio } from '../support/sandboxes';
import { startParkedPayment } from '../support/workflowStarts';

/**
 * The lookup-table backfill (docs/domain.md §4.6) on the shared dev server, with the real activities over HTTP to the
 * Clio-style sandbox and a real PostgreSQL: 2,000 matters under a tight rate limit, a worker killed mid-way and
 * replaced, and the rules for legacy references. Asserted from what a firm would check: the rows in matter_links,
 * the sandbox's own accounting of what it served, and the workflow's `progress` query.
 */

const MATTERS = 2_000;
const PAGES = MATTERS / 200;
/** A short rate-limit window so a tight limit is run into, and out of, in seconds. */
const WINDOW_MS = 2_000;
const runId = () => `t${randomBytes(4).toString('hex')}`;

let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundleWithSourceMap;
let database: TestDatabase;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  env = await devServerEnvironment();
  [workflowBundle, database] = await Promise.all([bundle(require.resolve('../../workflows')), createTestDatabase()]);
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await database?.drop();
  await env?.teardown();
});

/** What the backfill never touches: calling it is a test failure with a clear message. */
function unused<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, prop) =>
      prop === 'then'
        ? undefined
        : () => {
            throw new Error(`${name}.${String(prop)} is not used by the backfill`);
          },
  });
}

/** A worker like production's, on its own task queue: the real activities over this firm's practice connector. */
async function startWorker(
  firmId: string,
  taskQueue: string,
  practice: PracticeManagement,
): Promise<{ worker: Worker; running: Promise<void> }> {
  const services: FirmServices = {
    firmId,
    practice,
    processor: unused<PaymentProcessor>('processor'),
    mailer: unused<Mailer>('mailer'),
    timeZone: 'America/New_York',
    publicBaseUrl: 'http://pay.firm.test',
    staffEmail: null,
    payLinkTtlMs: 90 * 86_400_000,
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: createActivities({
      db: database.db,
      temporal: { client: env.client, taskQueue },
      firm: (id) => {
        if (id !== firmId) throw new Error(`unknown firm ${id}`);
        return services;
      },
    }),
  });
  const running = worker.run();
  cleanups.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });
  return { worker, running };
}

async function sandboxWithMatters(count: number, ratePerWindow?: number): Promise<SandboxedClio> {
  const clio = await startSandboxedClio({ rateLimitWindowMs: WINDOW_MS });
  cleanups.push(() => clio.close());
  if (count > 0) await clio.post('/__sandbox/matters/bulk', { count });
  if (ratePerWindow !== undefined) await clio.post('/__sandbox/faults', { rate_limit_per_minute: ratePerWindow });
  return clio;
}

/**
 * A payment parked as unmatched for this firm: a running workflow with the search attributes the reconciliation
 * sets, on a task queue no worker polls (so it stays parked and keeps every signal it is sent in its history).
 */
async function parkedPayment(firmId: string) {
  const handle = await startParkedPayment(env.client, firmId);
  cleanups.push(() => handle.terminate('test over'));
  const query = `ReconcileState = 'unmatched' AND FirmId = '${firmId}' AND ExecutionStatus = 'Running'`;
  await waitFor(async () => (await env.client.workflow.count(query)).count >= 1, { timeoutMs: 10_000 });
  return handle;
}

async function signalsReceived(workflowId: string): Promise<string[]> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((event) =>
    event.workflowExecutionSignaledEventAttributes?.signalName
      ? [event.workflowExecutionSignaledEventAttributes.signalName]
      : [],
  );
}

async function linkRows(firmId: string) {
  const { rows } = await database.db.query(
    `SELECT processor, external_reference, practice_matter_id, matter_display_number, source FROM matter_links WHERE firm_id = $1 ORDER BY external_reference`,
    [firmId],
  );
  return rows as Array<{
    processor: string;
    external_reference: string;
    practice_matter_id: string;
    matter_display_number: string;
    source: string;
  }>;
}

const isCanonical = (row: { processor: string; external_reference: string; matter_display_number: string }) =>
  row.processor === 'any' && row.external_reference === row.matter_display_number;

/** The list-matters requests the sandbox received, with what it answered (first page: no page_token). */
function listRequests(clio: SandboxedClio) {
  return clio.apiRequests().filter((request) => request.method === 'GET' && request.path === '/api/v4/matters.json');
}

describe('backfillMatterLinks', () => {
  it(`maps ${MATTERS.toLocaleString('en-US')} matters under a rate limit of 8 requests per window, and wakes parked payments`, async () => {
    const firmId = `backfill-a-${randomBytes(3).toString('hex')}`;
    const LIMIT = 8;
    const clio = await sandboxWithMatters(MATTERS, LIMIT);
    const parked = await parkedPayment(firmId);
    const taskQueue = uniqueTaskQueue('backfill');
    await startWorker(firmId, taskQueue, clio.connector.practice);

    const id = runId();
    const started = Date.now();
    const handle = await env.client.workflow.start(backfillMatterLinks, {
      taskQueue,
      workflowId: workflowIds.backfillMatterLinks(firmId, id),
      args: [{ firmId, runId: id }],
    });
    const result = await handle.result();
    const elapsed = Date.now() - started;

    expect(result).toEqual<BackfillResult>({
      firmId,
      runId: id,
      pages: PAGES,
      matters: MATTERS,
      linksAdded: MATTERS,
      done: true,
      parkedPaymentsWoken: 1,
    });
    expect(await handle.query(backfillProgressQuery)).toEqual<BackfillProgress>({
      firmId,
      runId: id,
      pages: PAGES,
      matters: MATTERS,
      linksAdded: MATTERS,
      done: true,
    });
    // Findable by firm in the Web UI's filter box.
    expect((await handle.describe()).typedSearchAttributes.get(FIRM_ID)).toBe(firmId);

    // Exactly one canonical row per sandbox matter, pointing at that matter.
    const rows = await linkRows(firmId);
    expect(rows).toHaveLength(MATTERS);
    expect(rows.every(isCanonical)).toBe(true);
    expect(rows.every((row) => row.source === 'backfill')).toBe(true);
    const state = await clio.state();
    const expected = new Map(state.matters.map((m) => [m.display_number, String(m.id)]));
    expect(new Map(rows.map((row) => [row.external_reference, row.practice_matter_id]))).toEqual(expected);

    // The sandbox never served more than the limit in a window, and every page was answered 200.
    const windows = clio.sandbox.context.rateLimiter.windowLog();
    for (const window of windows) expect(window.served).toBeLessThanOrEqual(LIMIT);
    const requests = listRequests(clio);
    expect(requests.filter((request) => request.status === 200)).toHaveLength(PAGES);
    // Sequential pages read the server's X-RateLimit-* headers: the limiter waits for the window instead of
    // running into it, so nothing was refused.
    expect(requests.filter((request) => request.status === 429)).toHaveLength(0);
    expect(windows.reduce((sum, window) => sum + window.rejected, 0)).toBe(0);
    // 10 requests at 8 per window need a second window: it waited for it.
    expect(windows.filter((window) => window.served > 0).length).toBeGreaterThanOrEqual(2);
    expect(elapsed).toBeLessThan(20_000);

    // The parked payment was told to retry its match.
    expect(await signalsReceived(parked.workflowId)).toEqual(['retryMatch']);
    console.info(
      `backfill (a): ${MATTERS} matters in ${elapsed} ms; ${requests.length} list requests, windows served ${windows.map((w) => w.served).join('/')}`,
    );
  });

  it(
    'resumes where it stopped when its worker is shut down mid-way and another takes over, continuing as new every few pages',
    async () => {
      const firmId = `backfill-b-${randomBytes(3).toString('hex')}`;
      const LIMIT = 3;
      const PAGES_PER_RUN = 3;
      const clio = await sandboxWithMatters(MATTERS, LIMIT);
      const taskQueue = uniqueTaskQueue('backfill');
      const first = await startWorker(firmId, taskQueue, clio.connector.practice);

      const id = runId();
      const workflowId = workflowIds.backfillMatterLinks(firmId, id);
      const started = await env.client.workflow.start(backfillMatterLinks, {
        taskQueue,
        workflowId,
        args: [{ firmId, runId: id, pagesPerRun: PAGES_PER_RUN }],
      });
      // Always the latest run of the chain (the first one continues as new after 3 pages).
      const handle = env.client.workflow.getHandle<typeof backfillMatterLinks>(workflowId);

      const midway = await waitFor(
        async () => {
          const progress = await handle.query(backfillProgressQuery).catch(() => null);
          return progress && progress.pages >= 2 ? progress : null;
        },
        { timeoutMs: 20_000 },
      );
      first.worker.shutdown();
      await first.running;
      const atShutdown = await handle.describe();
      expect(atShutdown.status.name).toBe('RUNNING');
      expect(midway.done).toBe(false);
      expect(midway.pages).toBeLessThan(PAGES);
      const requestsBeforeRestart = listRequests(clio).length;

      // A new worker (a new process would have its own rate limiter: so does this one) on the same task queue.
      const resumedAt = Date.now();
      await startWorker(firmId, taskQueue, clio.newConnector().practice);
      const result = await handle.result();
      const resumeMs = Date.now() - resumedAt;

      expect(result).toMatchObject({ pages: PAGES, matters: MATTERS, linksAdded: MATTERS, done: true });
      const rows = await linkRows(firmId);
      expect(rows).toHaveLength(MATTERS);
      expect(new Set(rows.map((row) => row.practice_matter_id)).size).toBe(MATTERS);
      expect(rows.every(isCanonical)).toBe(true);

      // Resumed, not restarted: the first page was read once, and no page more than a retry's worth again.
      const requests = listRequests(clio);
      const served = requests.filter((request) => request.status === 200);
      expect(served.filter((request) => !request.query.has('page_token'))).toHaveLength(1);
      expect(served.length).toBeLessThanOrEqual(PAGES + 1);
      expect(requests.length).toBeLessThanOrEqual(PAGES + 3);
      for (const window of clio.sandbox.context.rateLimiter.windowLog())
        expect(window.served).toBeLessThanOrEqual(LIMIT);

      // It continued as new (10 pages, 3 per run: 4 runs), carrying its cursor and totals from run to run.
      const latest = await handle.describe();
      expect(latest.runId).not.toBe(started.firstExecutionRunId);
      const runs: string[] = [];
      for await (const execution of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
        runs.push(execution.status.name);
      expect(runs.filter((status) => status === 'CONTINUED_AS_NEW')).toHaveLength(Math.ceil(PAGES / PAGES_PER_RUN) - 1);
      console.info(
        `backfill (b): shut down at ${midway.pages} pages; resumed and finished in ${resumeMs} ms; ${requestsBeforeRestart} list requests before the restart, ${requests.length} in all (${served.length} answered 200); ${runs.length} runs`,
      );
    },
    // An activity in flight on the worker that is shut down is retried after its start-to-close timeout (2 minutes,
    // workflows/policy.ts) when its result was lost with the worker: the test waits that long if it must.
    240_000,
  );

  it('maps legacy client references, never overwrites a mapping, and adds nothing when run again', async () => {
    const firmId = `backfill-c-${randomBytes(3).toString('hex')}`;
    const clio = await sandboxWithMatters(0);
    const legacy = await createClioMatter(clio, { client_reference: 'LEGACY-77' });
    const sameAsNumber = await createClioMatter(clio);
    const blank = await createClioMatter(clio, { client_reference: '   ' });
    const taken = await createClioMatter(clio, { client_reference: 'OLD-9' });
    // Client references matterpay wrote itself (its invoice numbers on this matter) and the display number are not legacy references.
    const ownInvoice = await createClioMatter(clio);
    const setReference = async (matterId: number, reference: string) => {
      await clio.connector.practice.setMatterReference(String(matterId), reference);
    };
    await setReference(sameAsNumber.id, sameAsNumber.display_number);
    await setReference(ownInvoice.id, `${ownInvoice.display_number}-2`);
    // An admin mapped OLD-9 to another matter before: the backfill must leave it as it is.
    await database.db.query(
      `INSERT INTO matter_links (firm_id, processor, external_reference, practice_matter_id, matter_display_number, source) VALUES ($1, 'any', 'OLD-9', '999', '00999-Elsewhere', 'admin')`,
      [firmId],
    );

    const taskQueue = uniqueTaskQueue('backfill');
    await startWorker(firmId, taskQueue, clio.connector.practice);
    const run = async () => {
      const id = runId();
      return env.client.workflow.execute(backfillMatterLinks, {
        taskQueue,
        workflowId: workflowIds.backfillMatterLinks(firmId, id),
        args: [{ firmId, runId: id }],
      });
    };

    const first = await run();
    expect(first).toMatchObject({ pages: 1, matters: 5, linksAdded: 6, done: true });
    const rows = await linkRows(firmId);
    const byReference = new Map(rows.map((row) => [row.external_reference, row]));
    for (const matter of [legacy, sameAsNumber, blank, taken, ownInvoice]) {
      expect(byReference.get(matter.display_number)).toMatchObject({
        processor: 'any',
        practice_matter_id: String(matter.id),
        source: 'backfill',
      });
    }
    expect(byReference.get('LEGACY-77')).toMatchObject({
      practice_matter_id: String(legacy.id),
      matter_display_number: legacy.display_number,
      source: 'backfill',
    });
    expect(byReference.get('OLD-9')).toMatchObject({ practice_matter_id: '999', source: 'admin' });
    expect(byReference.has(`${ownInvoice.display_number}-2`)).toBe(false);
    expect(rows).toHaveLength(7);

    const again = await run();
    expect(again).toMatchObject({ pages: 1, matters: 5, linksAdded: 0, done: true });
    expect(await linkRows(firmId)).toEqual(rows);
  });
});
