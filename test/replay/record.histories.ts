/**
 * Records workflow histories for the replay test (test/replay/replay.test.ts). Not part of `npm test`: run
 * `npm run record-histories` after a deliberate, versioned change to a workflow, and commit the new files.
 * Each scenario drives the real workflows on real peers (time-skipping server, sandboxes, PostgreSQL).
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Payment } from '../../connectors/ports';
import {
  invoiceStatusQuery,
  paymentReceivedSignal,
  retryMatchSignal,
  timeEntryApprovedSignal,
} from '../../shared/messages';
import { invoiceMemo, workflowIds } from '../../shared/workflowIds';
import { invoice, matterBilling, paymentReconciliation } from '../../workflows';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { timeSkippingEnvironment } from '../support/temporal';

const outDir = path.join(__dirname, '..', 'histories');
const recordedOn = process.env.RECORDED_ON ?? new Date().toISOString().slice(0, 10);

describe('record workflow histories', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  useBillingHarness(timeSkippingEnvironment, async (started, harness) => {
    env = started;
    h = harness;
  });

  async function save(name: string, handle: { fetchHistory(): Promise<Parameters<typeof historyToJSON>[0]> }) {
    fs.mkdirSync(outDir, { recursive: true });
    // Dated, beside the earlier recordings: those stay, so running workflows of every earlier version keep replaying.
    fs.writeFileSync(
      path.join(outDir, `${name}-${recordedOn}.json`),
      `${historyToJSON(await handle.fetchHistory())}\n`,
    );
  }

  it('matterBilling: debounced approved time reaches the threshold, then the matter closes', async () => {
    const matter = await h.createMatter({ description: 'Replay matter' });
    const handle = await env.client.workflow.start(matterBilling, {
      taskQueue: h.taskQueue,
      workflowId: workflowIds.matterBilling(FIRM, String(matter.id)),
      args: [{ firmId: FIRM, matterId: String(matter.id), policy: h.policy() }],
    });
    for (const hours of [1, 2]) {
      await handle.signal(timeEntryApprovedSignal, { entryId: await h.addEntry(matter.id, hours, 25_000) });
      await env.sleep('5 minutes');
    }
    await env.sleep('1 hour');
    await h.control('PATCH', `/__sandbox/matters/${matter.id}`, { status: 'closed' });
    await handle.signal('matterStatusChanged', { status: 'closed' });
    await handle.result();
    await save('matterBilling-threshold-then-close', handle);
  });

  it('invoice: trust covers part, reminders, escalation, partial then full payment', async () => {
    const matter = await h.createMatter({ trust_balance_cents: 10_000, description: 'Replay invoice' });
    const entry = await h.addEntry(matter.id, 3, 20_000);
    const draft = await h.activities.draftInvoice({
      firmId: FIRM,
      matterId: String(matter.id),
      matterDisplayNumber: matter.display_number,
      kind: 'hourly',
      period: '2026-11',
      lines: [{ lineKey: `entry:${entry}`, description: 'time', amountCents: 60_000 }],
    });
    const number = draft.invoiceNumber!;
    const handle = await env.client.workflow.start(invoice, {
      taskQueue: h.taskQueue,
      workflowId: workflowIds.invoice(FIRM, number),
      memo: invoiceMemo(number, matter.display_number),
      args: [{ firmId: FIRM, invoiceNumber: number, policy: h.policy() }],
    });
    await env.sleep('31 days');
    for (const [id, cents] of [
      ['replay-partial', 20_000],
      ['replay-rest', 30_000],
    ] as const) {
      const payment: Payment = {
        processor: 'lawpay',
        transactionId: id,
        kind: 'charge',
        status: 'completed',
        amountCents: cents,
        currency: 'USD',
        reference: number,
        accountKind: 'operating',
        occurredAt: new Date().toISOString(),
        chargeTransactionId: null,
        account: null,
      };
      const applied = await h.activities.applyPayment({ firmId: FIRM, payment });
      if (applied.state !== 'applied') throw new Error('payment not applied');
      await handle.signal(paymentReceivedSignal, {
        processor: 'lawpay',
        transactionId: id,
        kind: 'charge',
        amountCents: cents,
        paidCentsAfter: applied.paidCentsAfter,
        amountDueCentsAfter: applied.amountDueCentsAfter,
      });
      await env.sleep('1 day');
    }
    expect((await handle.result()).status).toBe('paid');
    expect((await handle.query(invoiceStatusQuery)).escalated).toBe(true);
    await save('invoice-trust-reminders-escalation-paid', handle);
  });

  it('invoice (store is the money truth): matter credit first, a reminder, a refund woken before its charge, then paid', async () => {
    const matter = await h.createMatter({ description: 'Replay store truth' });
    const entry = await h.addEntry(matter.id, 2, 20_000);
    const draft = await h.activities.draftInvoice({
      firmId: FIRM,
      matterId: String(matter.id),
      matterDisplayNumber: matter.display_number,
      kind: 'hourly',
      period: '2026-12',
      lines: [{ lineKey: `entry:${entry}`, description: 'time', amountCents: 40_000 }],
    });
    const number = draft.invoiceNumber!;
    const handle = await env.client.workflow.start(invoice, {
      taskQueue: h.taskQueue,
      workflowId: workflowIds.invoice(FIRM, number),
      memo: invoiceMemo(number, matter.display_number),
      args: [{ firmId: FIRM, invoiceNumber: number, policy: h.policy() }],
    });
    await env.sleep('8 days');
    const pay = (
      id: string,
      kind: Payment['kind'],
      cents: number,
      chargeTransactionId: string | null = null,
    ): Payment => ({
      processor: 'lawpay',
      transactionId: id,
      kind,
      status: 'completed',
      amountCents: cents,
      currency: 'USD',
      reference: number,
      accountKind: 'operating',
      occurredAt: new Date().toISOString(),
      chargeTransactionId,
      account: null,
    });
    // Each wake-up brings the invoice as its payment left it: the refund's (newer) comes first, the charge's after it.
    const readingOf = (outcome: Awaited<ReturnType<typeof h.activities.applyPayment>>) =>
      outcome.state === 'applied' ? (outcome.invoiceAfter ?? null) : null;
    const charged = await h.activities.applyPayment({
      firmId: FIRM,
      payment: pay('replay-store-charge', 'charge', 40_000),
    });
    const refunded = await h.activities.applyPayment({
      firmId: FIRM,
      payment: pay('replay-store-refund', 'refund', 10_000, 'replay-store-charge'),
    });
    await handle.signal(paymentReceivedSignal, {
      processor: 'lawpay',
      transactionId: 'replay-store-refund',
      kind: 'refund',
      amountCents: 10_000,
      paidCentsAfter: 30_000,
      amountDueCentsAfter: 10_000,
      invoice: readingOf(refunded),
    });
    await handle.signal(paymentReceivedSignal, {
      processor: 'lawpay',
      transactionId: 'replay-store-charge',
      kind: 'charge',
      amountCents: 40_000,
      paidCentsAfter: 40_000,
      amountDueCentsAfter: 0,
      invoice: readingOf(charged),
    });
    await env.sleep('2 days');
    const rest = await h.activities.applyPayment({ firmId: FIRM, payment: pay('replay-store-rest', 'charge', 10_000) });
    await handle.signal(paymentReceivedSignal, {
      processor: 'lawpay',
      transactionId: 'replay-store-rest',
      kind: 'charge',
      amountCents: 10_000,
      paidCentsAfter: 40_000,
      amountDueCentsAfter: 0,
      invoice: readingOf(rest),
    });
    expect((await handle.result()).status).toBe('paid');
    await save('invoice-store-truth-refund-before-charge-paid', handle);
  });

  it('paymentReconciliation: parked on an unknown reference, mapped, read again from the processor, applied', async () => {
    const matter = await h.createMatter({ description: 'Replay parked' });
    const paid = await h.control<{ transaction_id: string }>(
      'POST',
      '/__sandbox/pay',
      { amount_cents: 5_000, reference: 'REPLAY-LEGACY-1' },
      h.lawpay.url,
    );
    const payment = await h.activities.fetchTransaction({ firmId: FIRM, transactionId: paid.transaction_id });
    const handle = await env.client.workflow.start(paymentReconciliation, {
      taskQueue: h.taskQueue,
      workflowId: workflowIds.paymentReconciliation(FIRM, 'lawpay', paid.transaction_id),
      args: [{ firmId: FIRM, payment: payment!, policy: h.policy() }],
    });
    await env.sleep('30 seconds');
    await h.database.db.query(
      `INSERT INTO matter_links (firm_id, processor, external_reference, practice_matter_id, matter_display_number, source)
      VALUES ($1, 'lawpay', 'REPLAY-LEGACY-1', $2, $3, 'admin')`,
      [FIRM, String(matter.id), matter.display_number],
    );
    await handle.signal(retryMatchSignal);
    expect((await handle.result()).state).toBe('applied');
    await save('paymentReconciliation-parked-then-applied', handle);
  });
});
