import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { invoiceStatusQuery } from '../../shared/messages';
import { workflowIds } from '../../shared/workflowIds';
import { invoice } from '../../workflows';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';

/**
 * Ten invoices of one matter issued at once on the run's Temporal dev server, their trust draws decided by two
 * worker processes on one task queue (this one, and test/trust/drawWorkerProcess.ts with its own database pool and
 * Clio connection): together they never draw more than the matter's trust.
 */
describe('concurrent trust draws on two worker processes', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  let child: ChildProcess;
  let childOutput = '';
  const started: string[] = [];

  useBillingHarness(devServerEnvironment, async (ready, harness) => {
    env = ready;
    h = harness;
    child = spawn(
      process.execPath,
      [path.resolve(__dirname, '../../bin/run-ts.js'), path.resolve(__dirname, 'drawWorkerProcess.ts')],
      {
        env: {
          ...process.env,
          CLIO_URL: h.clio.url,
          LAWPAY_URL: h.lawpay.url,
          FIRM_ID: FIRM,
          OUTBOX_DIR: h.outboxDir,
          DATABASE_URL: h.database.url,
          TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
          TASK_QUEUE: h.taskQueue,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      childOutput += chunk.toString('utf8');
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      childOutput += chunk.toString('utf8');
    });
    await waitFor(async () => childOutput.includes('ready') || childOutput.includes('Error'), { timeoutMs: 60_000 });
    if (!childOutput.includes('ready')) throw new Error(`second worker did not start: ${childOutput}`);
  });

  afterAll(async () => {
    // The invoices wait for their reminders; leave nothing running on the run's shared server.
    await Promise.all(
      started.map((id) =>
        env?.client.workflow
          .getHandle(id)
          .terminate('test finished')
          .catch(() => {}),
      ),
    );
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      process.stdout.write(`second worker process: ${childOutput.trim().split('\n').pop()}\n`);
    }
  });

  it('ten $250 invoices against $1,000 of trust draw exactly $1,000, never more', async () => {
    const matter = await h.createMatter({
      trust_balance_cents: 100_000,
      client: { name: `Ten Together${randomBytes(4).toString('hex')}`, email: 'ten@client.test' },
    });
    const numbers: string[] = [];
    for (let i = 0; i < 10; i++) {
      const entry = await h.addEntry(matter.id, 1.25, 20_000);
      const draft = await h.activities.draftInvoice({
        firmId: FIRM,
        matterId: String(matter.id),
        matterDisplayNumber: matter.display_number,
        kind: 'hourly',
        period: `2025-${String(i + 1).padStart(2, '0')}`, // one open draft per period
        lines: [{ lineKey: `entry:${entry}`, description: 'time', amountCents: 25_000 }],
      });
      numbers.push(draft.invoiceNumber!);
    }
    const handles = await Promise.all(
      numbers.map((number) => {
        started.push(workflowIds.invoice(FIRM, number));
        return env.client.workflow.start(invoice, {
          taskQueue: h.taskQueue,
          workflowId: workflowIds.invoice(FIRM, number),
          args: [{ firmId: FIRM, invoiceNumber: number, policy: h.policy() }],
        });
      }),
    );
    const statuses = await Promise.all(
      handles.map(async (handle) => {
        let status = await handle.query(invoiceStatusQuery);
        await waitFor(
          async () => {
            status = await handle.query(invoiceStatusQuery);
            return status.status !== 'draft';
          },
          { timeoutMs: 60_000 },
        );
        return status;
      }),
    );

    expect(statuses.reduce((sum, s) => sum + s.trustAppliedCents, 0)).toBe(100_000);
    expect(statuses.filter((s) => s.trustAppliedCents > 0)).toHaveLength(4);
    expect(statuses.reduce((sum, s) => sum + s.amountDueCents, 0)).toBe(150_000);
    const { rows } = await h.database.db.query(
      'SELECT sum(amount_cents)::bigint AS drawn, count(*)::int AS n FROM trust_draws WHERE matter_id = $1',
      [String(matter.id)],
    );
    expect(rows[0]).toEqual({ drawn: 100_000, n: 4 });
  });
});
