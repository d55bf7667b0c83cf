import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  billNowSignal,
  matterStatusChangedSignal,
  matterStatusQuery,
  timeEntryApprovedSignal,
} from '../../shared/messages';
import { workflowIds } from '../../shared/workflowIds';
import { billingRun, matterBilling } from '../../workflows';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { timeSkippingEnvironment } from '../support/temporal';

/**
 * The billing trigger (docs/domain.md §4.1) end to end on real peers: approved time in the Clio-style sandbox, signals as
 * the ingress sends them, the real activities and store. Temporal's clock is skipped: 15-minute debounces and
 * month-long waits take milliseconds.
 */
describe('matterBilling: approved time becomes an invoice draft', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  useBillingHarness(timeSkippingEnvironment, async (started, harness) => {
    env = started;
    h = harness;
  });

  async function startBilling(matterId: number, overrides: Parameters<BillingHarness['policy']>[0] = {}) {
    return env.client.workflow.start(matterBilling, {
      taskQueue: h.taskQueue,
      workflowId: workflowIds.matterBilling(FIRM, String(matterId)),
      args: [{ firmId: FIRM, matterId: String(matterId), policy: h.policy(overrides) }],
    });
  }

  async function invoicesOf(matterId: number) {
    return (await h.invoiceRows()).filter((r) => r.matter_id === String(matterId));
  }

  it('invoices an hourly matter once approved time reaches the threshold, and not before', async () => {
    const matter = await h.createMatter();
    await h.addEntry(matter.id, 1, 25_000); // $250: below the $500 threshold
    const handle = await startBilling(matter.id);
    await env.sleep('1 hour');
    expect(await invoicesOf(matter.id)).toHaveLength(0);
    expect((await handle.query(matterStatusQuery)).lastEvaluation?.outcome).toMatch(/below the threshold/);

    const second = await h.addEntry(matter.id, 1.5, 25_000); // now $625
    await handle.signal(timeEntryApprovedSignal, { entryId: second });
    await env.sleep('1 hour');
    const invoices = await invoicesOf(matter.id);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({
      invoice_number: `${matter.display_number}-1`,
      total_cents: 62_500,
      kind: 'hourly',
    });
    expect(await h.noteSubjects(matter.id)).toContain(`Invoice ${matter.display_number}-1: drafted; invoice emailed`);
  });

  it('waits out a practice system down for longer than a vendor step is given, then invoices the matter', async () => {
    const matter = await h.createMatter();
    await h.addEntry(matter.id, 2.5, 25_000); // $625: over the $500 threshold
    const restore = h.practiceOutage('getMatter');
    let handle: Awaited<ReturnType<typeof startBilling>>;
    try {
      handle = await startBilling(matter.id);
      await env.sleep('8 hours');
      // The matter's billing waits: its workflow is what bills every later month.
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect(await invoicesOf(matter.id)).toHaveLength(0);
    } finally {
      restore();
    }
    await env.sleep('1 hour');
    expect(await invoicesOf(matter.id)).toHaveLength(1);
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });

  it('debounces: entries arriving five minutes apart give one invoice with all of them', async () => {
    const matter = await h.createMatter();
    const handle = await startBilling(matter.id, { thresholdCents: 50_000 });
    for (const hours of [1, 1, 1]) {
      const entryId = await h.addEntry(matter.id, hours, 25_000);
      await handle.signal(timeEntryApprovedSignal, { entryId });
      await env.sleep('5 minutes');
      // Still inside the 15-minute quiet period: nothing may be drafted from a partial save.
      expect(await invoicesOf(matter.id)).toHaveLength(0);
    }
    await env.sleep('30 minutes');
    const invoices = await invoicesOf(matter.id);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]!.total_cents).toBe(75_000);
  });

  it('gives one invoice for a duplicated trigger', async () => {
    const matter = await h.createMatter();
    const entryId = await h.addEntry(matter.id, 3, 25_000);
    const handle = await startBilling(matter.id);
    for (let i = 0; i < 3; i++) await handle.signal(timeEntryApprovedSignal, { entryId });
    await env.sleep('1 hour');
    await handle.signal(timeEntryApprovedSignal, { entryId });
    await env.sleep('1 hour');
    const invoices = await invoicesOf(matter.id);
    expect(invoices).toHaveLength(1);
    const { rows } = await h.database.db.query('SELECT line_key FROM invoice_lines WHERE invoice_number = $1', [
      invoices[0]!.invoice_number,
    ]);
    expect(rows).toEqual([{ line_key: `entry:${entryId}` }]);
  });

  it('ignores draft (unsubmitted) time until it is submitted', async () => {
    const matter = await h.createMatter();
    const draft = await h.addEntry(matter.id, 4, 25_000, { draft: true });
    const handle = await startBilling(matter.id);
    await env.sleep('1 hour');
    expect(await invoicesOf(matter.id)).toHaveLength(0);
    await h.control('POST', `/__sandbox/activities/${draft}/submit`);
    await handle.signal(timeEntryApprovedSignal, { entryId: draft });
    await env.sleep('1 hour');
    expect((await invoicesOf(matter.id)).map((i) => i.total_cents)).toEqual([100_000]);
  });

  it('invoices a flat-fee matter on its billing day, once per period, and never from time entries', async () => {
    const now = new Date(await env.currentTimeMs());
    const billingDay = ((now.getUTCDate() + 3) % 28) + 1;
    const matter = await h.createMatter({ billing_method: 'flat', flat_fee_cents: 150_000, billing_day: billingDay });
    await h.addEntry(matter.id, 10, 25_000);
    const handle = await startBilling(matter.id);
    await env.sleep('1 hour');
    expect(await invoicesOf(matter.id)).toHaveLength(0);
    expect((await handle.query(matterStatusQuery)).nextBillingDateMs).not.toBeNull();
    await env.sleep('32 days');
    const invoices = await invoicesOf(matter.id);
    expect(invoices.length).toBeGreaterThanOrEqual(1);
    expect(invoices.every((i) => i.kind === 'flat' && i.total_cents === 150_000)).toBe(true);
    expect(new Set(invoices.map((i) => i.period)).size).toBe(invoices.length);
  });

  it('never invoices a contingency matter', async () => {
    const matter = await h.createMatter({ billing_method: 'contingency' });
    const entryId = await h.addEntry(matter.id, 20, 50_000);
    const handle = await startBilling(matter.id);
    await handle.signal(timeEntryApprovedSignal, { entryId });
    await env.sleep('45 days');
    expect(await invoicesOf(matter.id)).toHaveLength(0);
    expect((await handle.query(matterStatusQuery)).lastEvaluation?.outcome).toMatch(/contingency/);
  });

  it('ends when the matter closes', async () => {
    const matter = await h.createMatter();
    const handle = await startBilling(matter.id);
    await env.sleep('1 hour');
    await h.control('PATCH', `/__sandbox/matters/${matter.id}`, { status: 'closed' });
    await handle.signal(matterStatusChangedSignal, { status: 'closed' });
    const result = await handle.result();
    expect(result.closed).toBe(true);
  });

  it('bills now on request: approved time below the threshold, without waiting for quiet', async () => {
    const matter = await h.createMatter();
    await h.addEntry(matter.id, 1, 25_000); // $250, below the threshold
    const handle = await startBilling(matter.id);
    await env.sleep('1 hour');
    expect(await invoicesOf(matter.id)).toHaveLength(0);
    await handle.signal(billNowSignal, { reason: 'test' });
    await env.sleep('1 minute');
    expect((await invoicesOf(matter.id)).map((i) => i.total_cents)).toEqual([25_000]);
  });

  it('the daily billing run bills the matters due today that nothing else is billing, once', async () => {
    const today = Number(
      new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', day: 'numeric' }).format(
        new Date(await env.currentTimeMs()),
      ),
    );
    const tomorrow = (today % 28) + 1;
    const flat = await h.createMatter({ billing_method: 'flat', flat_fee_cents: 90_000, billing_day: today });
    const hourly = await h.createMatter({ billing_method: 'hourly', billing_day: today });
    await h.addEntry(hourly.id, 1, 20_000); // $200: below the threshold, but it is the billing day
    const notYet = await h.createMatter({ billing_method: 'flat', flat_fee_cents: 90_000, billing_day: tomorrow });
    const contingency = await h.createMatter({ billing_method: 'contingency', billing_day: today });

    const run = () =>
      env.client.workflow.execute(billingRun, {
        taskQueue: h.taskQueue,
        workflowId: `billing-run-${Math.random().toString(36).slice(2)}`,
        args: [{ firmId: FIRM, policy: h.policy() }],
      });
    const first = await run();
    expect(first.due).toEqual(expect.arrayContaining([String(flat.id), String(hourly.id)]));
    expect(first.due).not.toContain(String(notYet.id));
    expect(first.due).not.toContain(String(contingency.id));
    expect(first.started).toEqual(expect.arrayContaining([String(flat.id), String(hourly.id)]));
    await env.sleep('1 minute');
    expect((await invoicesOf(flat.id)).map((i) => [i.kind, i.total_cents])).toEqual([['flat', 90_000]]);
    expect((await invoicesOf(hourly.id)).map((i) => [i.kind, i.total_cents])).toEqual([['hourly', 20_000]]);

    const second = await run(); // the matters' own workflows now run: nothing is started twice
    expect(second.started).not.toContain(String(flat.id));
    expect(second.started).not.toContain(String(hourly.id));
    await env.sleep('1 minute');
    expect(await invoicesOf(flat.id)).toHaveLength(1);
    expect(await invoicesOf(hourly.id)).toHaveLength(1);
  });
});
