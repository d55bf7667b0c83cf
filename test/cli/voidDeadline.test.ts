import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { workflowIds } from '../../shared/workflowIds';
import { workflowRef } from '../../shared/workflowTypes';
import { TEST_SECRET_KEY } from '../support/codec';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startTcpProxy } from '../support/tcpProxy';
import { commandEnv, runMatterpay } from '../support/cli';
import { waitFor } from '../support/wait';

/**
 * Found by the chaos harness (seed 20261201 and seed 7): a `matterpay void` ran for over five minutes after it had
 * asked its invoice to void, because its questions about the invoice's status had no deadline and the connection they
 * went out on had stopped answering. Here the path to Temporal freezes right after the void is asked: the command must
 * still end within its 30 s wait, saying the invoice has not voided yet and how to check it.
 */
const BIN = path.resolve(__dirname, '../../bin/matterpay.js');
const FIRM = 'void-deadline-firm';
const NUMBER = '00001-Frozen-1';
/** Never run (no worker serves the queue): the workflow only has to exist and take the signal. */
const POLICY = {
  debounceMs: 60_000,
  thresholdCents: 0,
  approval: 'none' as const,
  reminderScheduleMs: [86_400_000],
  timeZone: 'UTC',
};
let database: TestDatabase;
let workDir: string;
let client: Client;

beforeAll(async () => {
  database = await createTestDatabase();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-void-'));
  client = new Client({ connection: await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! }) });
  await database.db.query(
    `INSERT INTO invoices (firm_id, invoice_number, matter_id, matter_display_number, sequence, kind, period, status, total_cents, delivery, issued_at)
     VALUES ($1, $2, 'm-1', '00001-Frozen', 1, 'hourly', '2026-11', 'issued', 50000, 'sent', now())`,
    [FIRM, NUMBER],
  );
});

afterAll(async () => {
  await client?.connection.close();
  await database?.drop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

it('ends within its wait when Temporal stops answering after the void was asked, and says how to check', async () => {
  // The invoice's workflow, on a task queue no worker serves: it takes the signal and never voids.
  const handle = await client.workflow.start(workflowRef('invoice'), {
    taskQueue: `nobody-polls-${process.pid}`,
    workflowId: workflowIds.invoice(FIRM, NUMBER),
    args: [{ firmId: FIRM, invoiceNumber: NUMBER, policy: POLICY }],
  });
  const [host, port] = process.env.TEST_TEMPORAL_ADDRESS!.split(':') as [string, string];
  const proxy = await startTcpProxy({ host, port: Number(port) });
  try {
    const startedAt = Date.now();
    const child = spawn(process.execPath, [BIN, 'void', NUMBER, '--reason', 'billed in error'], {
      cwd: workDir,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: `127.0.0.1:${proxy.port}`,
        FIRM_ID: FIRM,
        LOG_LEVEL: 'silent',
        MATTERPAY_SECRET_KEYS: TEST_SECRET_KEY,
        // Nothing here is unreachable (the path is frozen, not refused): the outage wait only lengthens the signal's.
        TEMPORAL_WAIT: '5s',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor(
      async () =>
        ((await handle.fetchHistory()).events ?? []).some(
          (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        ),
      { what: 'the void to be asked', timeoutMs: 30_000, everyMs: 50 },
    );
    proxy.freeze();
    const code = await exited;
    expect(code).toBe(1);
    // The freeze can land before the signal's answer reaches the command, or after: either way it must end, say
    // what it knows, and say how to check.
    expect(stderr).toMatch(
      new RegExp(
        // The two messages of worker/commands/void.ts, each as the command words it.
        `(invoice ${NUMBER} was asked to void but has not yet; |cannot reach the workflow of invoice ${NUMBER} \\(.*\\); the void may not have been asked: )check it with: matterpay invoice ${NUMBER}`,
      ),
    );
    expect(Date.now() - startedAt).toBeLessThan(50_000);
  } finally {
    await handle.terminate('test over').catch(() => undefined);
    await proxy.stop();
  }
}, 90_000);

it('answers a second void of the same invoice (a run that lost its connection after voiding) with its state, not an error', async () => {
  const voided = '00001-Frozen-2';
  await database.db.query(
    `INSERT INTO invoices (firm_id, invoice_number, matter_id, matter_display_number, sequence, kind, period, status, total_cents, delivery, issued_at, voided_at)
     VALUES ($1, $2, 'm-1', '00001-Frozen', 2, 'hourly', '2026-11', 'void', 50000, 'sent', now(), now())`,
    [FIRM, voided],
  );
  const run = await runMatterpay(['void', voided, '--reason', 'billed in error'], {
    cwd: workDir,
    env: commandEnv(database.url, FIRM),
  });
  expect(run).toEqual({ code: 0, stdout: `Invoice ${voided} is already void.\n`, stderr: '' });
}, 60_000);
