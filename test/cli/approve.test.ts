import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { invoiceStatusQuery } from '../../shared/messages';
import { workflowIds } from '../../shared/workflowIds';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { freePort } from '../support/ports';
import { devServerEnvironment, uniqueTaskQueue } from '../support/temporal';
import { TEST_SECRET_KEY, encryptingClient, testDataConverter } from '../support/codec';
import type { StubInvoiceInput } from '../fixtures/cli-invoice-workflows';
import { workflowRefsOf } from '../support/workflowStarts';

const stubWorkflows = workflowRefsOf<typeof import('../fixtures/cli-invoice-workflows')>();

/**
 * `matterpay approve` against a stand-in `invoice` workflow (test/fixtures/cli-invoice-workflows.ts) with the real
 * `approve` update and `status` query of shared/messages.ts, on the run's Temporal dev server. The CLI runs in its
 * own process, as an admin would run it.
 */

const BIN = path.resolve(__dirname, '../../bin/matterpay.js');
const TZ = 'America/New_York';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let worker: Worker;
let workerRun: Promise<void>;
let workDir: string;
const taskQueue = uniqueTaskQueue('cli-approve');
const firmId = `firm-${taskQueue.slice(-8)}`;
const started: string[] = [];

function matterpay(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
    FIRM_ID: firmId,
    FIRM_TIMEZONE: TZ,
    LOG_LEVEL: 'silent',
    MATTERPAY_SECRET_KEYS: TEST_SECRET_KEY,
    ...extraEnv,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: workDir,
      env: childEnv,
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
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function startInvoice(invoiceNumber: string, status: StubInvoiceInput['status'] = 'awaiting_approval') {
  const input: StubInvoiceInput = { invoiceNumber, matterDisplayNumber: '00042-Smith', totalCents: 120_000, status };
  started.push(workflowIds.invoice(firmId, invoiceNumber));
  return encryptingClient(env).workflow.start(stubWorkflows('invoice'), {
    taskQueue,
    workflowId: workflowIds.invoice(firmId, invoiceNumber),
    args: [input],
  });
}

const firmTime = /\d{4}-\d{2}-\d{2} \d{2}:\d{2} E[SD]T/;

beforeAll(async () => {
  env = await devServerEnvironment();
  database = await createTestDatabase();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-cli-'));
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../fixtures/cli-invoice-workflows'),
    dataConverter: testDataConverter,
  });
  workerRun = worker.run();
});

afterAll(async () => {
  // The stand-ins wait forever; leave nothing running on the run's shared server.
  await Promise.all(
    started.map((id) =>
      env?.client.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => {}),
    ),
  );
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await workerRun;
  await database?.drop();
  await env?.teardown();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe('matterpay approve', () => {
  it('approves through the workflow, prints who and when, and refuses a second approval with the reason', async () => {
    const handle = await startInvoice('00042-Smith-1');

    const first = await matterpay(['approve', '00042-Smith-1', '--by', 'Ann Attorney']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(`^Invoice 00042-Smith-1 approved by Ann Attorney on ${firmTime.source}\\.$`, 'm'),
    );

    // The workflow, not the CLI, holds the approval.
    const state = await handle.query(invoiceStatusQuery);
    expect(state.approvedBy).toBe('Ann Attorney');
    expect(state.status).toBe('issued');

    const again = await matterpay(['approve', '00042-Smith-1', '--by', 'Bob Partner']);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr.trim()).toMatch(
      new RegExp(`^invoice 00042-Smith-1 was already approved by Ann Attorney on ${firmTime.source}$`),
    );
    expect((await handle.query(invoiceStatusQuery)).approvedBy).toBe('Ann Attorney');
  });

  it('uses the OS user name by default, and --json gives the approval in UTC', async () => {
    await startInvoice('00042-Smith-2');
    const result = await matterpay(['approve', '00042-Smith-2', '--json']);
    expect(result.code).toBe(0);
    const approval = JSON.parse(result.stdout);
    expect(approval).toEqual({
      invoiceNumber: '00042-Smith-2',
      workflowId: workflowIds.invoice(firmId, '00042-Smith-2'),
      approvedBy: os.userInfo().username,
      approvedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
  });

  it("exits 1 with the workflow's reason when the invoice is not awaiting approval", async () => {
    await startInvoice('00042-Smith-3', 'issued');
    const result = await matterpay(['approve', '00042-Smith-3', '--by', 'Ann Attorney']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'invoice 00042-Smith-3 was not approved: invoice 00042-Smith-3 is issued, not awaiting approval',
    );
  });

  it('exits 1 for an invoice that has no workflow', async () => {
    const result = await matterpay(['approve', '00042-Smith-404', '--by', 'Ann Attorney']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `invoice 00042-Smith-404 not found (no workflow ${workflowIds.invoice(firmId, '00042-Smith-404')})`,
    );
  });

  it('says in one line when Temporal cannot be reached', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    // TEMPORAL_WAIT: no waiting for it (by default a command waits up to 2 minutes, saying so).
    const result = await matterpay(['approve', '00042-Smith-1', '--by', 'Ann Attorney'], {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_WAIT: '1ms',
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      new RegExp(`^cannot reach Temporal at ${address}: check TEMPORAL_ADDRESS and that the server is up \\(.+\\)$`),
    );
  });
});

describe('matterpay invoice <number> with its workflow running', () => {
  it('adds the live workflow state to the store record: approval and next reminder', async () => {
    await database.db.query(
      `INSERT INTO invoices (firm_id, invoice_number, matter_id, matter_display_number, sequence, kind, period, status, total_cents, delivery)
       VALUES ($1, '00042-Smith-5', 'm-42', '00042-Smith', 5, 'hourly', '2026-01', 'awaiting_approval', 120000, 'pending')`,
      [firmId],
    );
    await startInvoice('00042-Smith-5');

    const before = await matterpay(['invoice', '00042-Smith-5']);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/Execution\s+running/);
    expect(before.stdout).toMatch(/Approval\s+waiting/);

    expect((await matterpay(['approve', '00042-Smith-5', '--by', 'Ann Attorney'])).code).toBe(0);

    const after = await matterpay(['invoice', '00042-Smith-5']);
    expect(after.stdout).toMatch(new RegExp(`Approval\\s+by Ann Attorney on ${firmTime.source}`));
    expect(after.stdout).toMatch(new RegExp(`Next reminder\\s+reminder 1 on ${firmTime.source}`));

    const json = JSON.parse((await matterpay(['invoice', '00042-Smith-5', '--json'])).stdout);
    expect(json.workflow).toMatchObject({ reachable: true, found: true, execution: 'RUNNING' });
    expect(json.workflow.state).toMatchObject({
      status: 'issued',
      approvedBy: 'Ann Attorney',
      nextReminder: { kind: 'reminder 1' },
    });
    expect(json.workflow.state.approvedAt).toMatch(/Z$/);
  });
});
