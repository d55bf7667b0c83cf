import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { withWritebackDrainer } from '../../activities';
import { writebackActivities } from '../../activities/writebacks';
import { invoiceStatusQuery, paymentReceivedSignal } from '../../shared/messages';
import { invoiceMemo, workflowIds } from '../../shared/workflowIds';
import type { Payment } from '../../connectors/ports';
import { invoice } from '../../workflows';
import { BillingHarness, FIRM, useBillingHarness, type SandboxMatter } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';

/**
 * The ways a real payment could be lost, doubled, misapplied, or followed by a reminder (issue "Payments: exactly
 * once"), each on real peers: the LawPay-style sandbox delivering webhooks to the real ingress, the Clio-style
 * sandbox, PostgreSQL and the dev server. What a bookkeeper would check: the invoice's balance and status, the
 * ledger rows, the note on the matter, the alert.
 */
describe('payment safety: every processor event applied exactly once, to the right invoice', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  let ingressUrl: string;
  useBillingHarness(devServerEnvironment, async (started, harness) => {
    env = started;
    h = harness;
    ingressUrl = (await h.startIngress()).url;
    await lawpay('POST', '/__sandbox/webhooks', { url: `${ingressUrl}/webhooks/lawpay` });
  });
  afterEach(async () => {
    await h.control('POST', '/__sandbox/faults', { error_rate: 0 });
  });

  const patiently = { timeoutMs: 30_000, everyMs: 100 };
  const lawpay = (method: string, pathname: string, body?: unknown) =>
    h.control<Record<string, unknown>>(method, pathname, body, h.lawpay.url);
  let period = 0;

  const draft = (matter: SandboxMatter, amountCents: number) =>
    h.draftHourly(matter, amountCents, `2026-${String((++period % 12) + 1).padStart(2, '0')}`);
  const issuedInvoice = (matter: SandboxMatter, amountCents: number) =>
    h.issuedInvoice(matter, amountCents, `2026-${String((++period % 12) + 1).padStart(2, '0')}`);

  const invoiceRow = async (number: string) => (await h.invoiceRows()).find((r) => r.invoice_number === number)!;
  const alerts = async () =>
    (
      await h.database.db.query(
        'SELECT kind, subject, message FROM alerts WHERE firm_id = $1 AND resolved_at IS NULL',
        [FIRM],
      )
    ).rows;
  const ledger = async (transactionId: string) =>
    (
      await h.database.db.query(
        'SELECT kind, state, invoice_number FROM processed_payments WHERE transaction_id = $1',
        [transactionId],
      )
    ).rows;
  const pay = (body: Record<string, unknown>) => lawpay('POST', '/__sandbox/pay', body);

  function payment(over: Partial<Payment>): Payment {
    return {
      processor: 'lawpay',
      transactionId: `txn_${Math.random().toString(36).slice(2, 12)}`,
      kind: 'charge',
      status: 'completed',
      amountCents: 10_000,
      currency: 'USD',
      reference: null,
      accountKind: 'operating',
      occurredAt: new Date().toISOString(),
      chargeTransactionId: null,
      account: null,
      ...over,
    };
  }

  it('applies a payment at once while Clio answers 503 to every note: the invoice is paid, its reminders stop, and the note is written once when Clio recovers', async () => {
    const matter = await h.createMatter({ client: { name: 'Ada Outage', email: 'ada@client.test' } });
    const { number, handle } = await issuedInvoice(matter, 60_000);
    await h.control('POST', '/__sandbox/faults', { error_rate: 1 });
    await pay({ amount_cents: 60_000, reference: number });

    await waitFor(async () => (await handle.query(invoiceStatusQuery)).status === 'paid', {
      what: 'the invoice workflow to know it is paid',
      ...patiently,
    });
    expect(await handle.query(invoiceStatusQuery)).toMatchObject({
      status: 'paid',
      amountDueCents: 0,
      nextReminder: null,
    });
    expect(await invoiceRow(number)).toMatchObject({ status: 'paid', paid_cents: 60_000 });

    // The worker that queued the note is gone (its drain stopped) while Clio still fails; another one drains it later.
    await h.drainer.stop();
    const { rows: queued } = await h.database.db.query(
      `SELECT state FROM practice_writebacks WHERE idempotency_key LIKE 'payment/lawpay/%' AND matter_id = $1`,
      [String(matter.id)],
    );
    expect(queued).toEqual([{ state: 'pending' }]);
    await h.control('POST', '/__sandbox/faults', { error_rate: 0 });
    const next = withWritebackDrainer({ db: h.database.db, firm: (id) => h.firms.get(id) }, () => [FIRM]);
    h.drainer = next.drainer;
    await waitFor(async () => (await h.noteSubjects(matter.id)).includes('Payment received: $600.00'), {
      what: 'the payment note',
      ...patiently,
    });
    expect((await h.noteSubjects(matter.id)).filter((s) => s === 'Payment received: $600.00')).toHaveLength(1);
  });

  it('trusts the store, not the last signal: a refund whose signal arrives before its charge leaves the invoice partially paid, never "paid in full"', async () => {
    const matter = await h.createMatter({ client: { name: 'Ben Order', email: 'ben@client.test' } });
    const { number, handle } = await issuedInvoice(matter, 100_000);
    const charge = payment({ amountCents: 100_000, reference: number });
    const refund = payment({
      kind: 'refund',
      amountCents: 30_000,
      reference: number,
      chargeTransactionId: charge.transactionId,
    });
    await h.activities.applyPayment({ firmId: FIRM, payment: charge });
    await h.activities.applyPayment({ firmId: FIRM, payment: refund });
    // The two wake-ups arrive in reverse order, each carrying the balance its own application saw.
    await handle.signal(paymentReceivedSignal, {
      processor: 'lawpay',
      transactionId: refund.transactionId,
      kind: 'refund',
      amountCents: 30_000,
      paidCentsAfter: 70_000,
      amountDueCentsAfter: 30_000,
    });
    await handle.signal(paymentReceivedSignal, {
      processor: 'lawpay',
      transactionId: charge.transactionId,
      kind: 'charge',
      amountCents: 100_000,
      paidCentsAfter: 100_000,
      amountDueCentsAfter: 0,
    });

    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await handle.query(invoiceStatusQuery)).toMatchObject({
      status: 'partially_paid',
      paidCents: 70_000,
      amountDueCents: 30_000,
    });
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await h.noteSubjects(matter.id)).some((s) => s.includes(' paid'))).toBe(false);
  });

  it('is atomic when voiding: a crash in the middle leaves nothing half done, and the retry closes the link and reverses the trust draw', async () => {
    const matter = await h.createMatter({
      client: { name: 'Cy Crash', email: 'cy@client.test' },
      trust_balance_cents: 10_000,
    });
    const number = await draft(matter, 50_000);
    await h.activities.drawTrust({ firmId: FIRM, invoiceNumber: number });
    await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: number, nowMs: Date.now() });
    await h.database.db.query(`
      CREATE SEQUENCE IF NOT EXISTS void_crash;
      CREATE OR REPLACE FUNCTION crash_once() RETURNS trigger AS $$
      BEGIN IF nextval('void_crash') = 1 THEN RAISE EXCEPTION 'simulated crash while voiding'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER crash_on_link_close BEFORE UPDATE ON pay_links FOR EACH ROW WHEN (NEW.status = 'cancelled') EXECUTE FUNCTION crash_once();`);
    try {
      await expect(
        h.activities.voidInvoice({ firmId: FIRM, invoiceNumber: number, reason: 'duplicate' }),
      ).rejects.toThrow(/simulated crash/);
      await h.activities.voidInvoice({ firmId: FIRM, invoiceNumber: number, reason: 'duplicate' });
    } finally {
      await h.database.db.query('DROP TRIGGER crash_on_link_close ON pay_links');
    }
    expect((await invoiceRow(number)).status).toBe('void');
    const { rows: linkRows } = await h.database.db.query('SELECT status FROM pay_links WHERE invoice_number = $1', [
      number,
    ]);
    expect(linkRows).toEqual([{ status: 'cancelled' }]);
    const { rows: drawRows } = await h.database.db.query('SELECT state FROM trust_draws WHERE invoice_number = $1', [
      number,
    ]);
    expect(drawRows).toEqual([{ state: 'reversed' }]);
    const { rows: lineRows } = await h.database.db.query('SELECT 1 FROM invoice_lines WHERE invoice_number = $1', [
      number,
    ]);
    expect(lineRows).toHaveLength(0);
  });

  it('keeps the paid part of a voided, partially paid invoice as a credit on the matter, with an alert, and the next invoice takes it first', async () => {
    const matter = await h.createMatter({ client: { name: 'Dee Void', email: 'dee@client.test' } });
    const number = await draft(matter, 100_000);
    await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: number, nowMs: Date.now() });
    await h.activities.applyPayment({ firmId: FIRM, payment: payment({ amountCents: 30_000, reference: number }) });
    await h.activities.voidInvoice({ firmId: FIRM, invoiceNumber: number, reason: 'billed to the wrong matter' });

    expect(await alerts()).toContainEqual(
      expect.objectContaining({
        kind: 'void-with-payments',
        subject: number,
        message: expect.stringContaining('$300.00'),
      }),
    );
    const next = await draft(matter, 50_000);
    expect(await h.activities.applyMatterCredit({ firmId: FIRM, invoiceNumber: next })).toEqual({
      creditCents: 30_000,
    });
    expect(await invoiceRow(next)).toMatchObject({ credit_applied_cents: 30_000 });
    expect(await h.noteSubjects(matter.id)).toContain(`Invoice ${next}: matter credit applied`);
  });

  it('never takes a LawPay CREDIT (money paid out) as a client payment: nothing is applied, and the firm is alerted', async () => {
    const matter = await h.createMatter({ client: { name: 'Eve Credit', email: 'eve@client.test' } });
    const { number } = await issuedInvoice(matter, 40_000);
    const credit = await lawpay('POST', '/__sandbox/credit', { amount_cents: 40_000, reference: number });
    const txn = String(credit.transaction_id);
    await waitFor(async () => (await ledger(txn)).length > 0, { what: 'the credit to be recorded', ...patiently });
    expect(await ledger(txn)).toEqual([{ kind: 'payout', state: 'ignored', invoice_number: null }]);
    expect(await invoiceRow(number)).toMatchObject({ status: 'issued', paid_cents: 0 });
    expect(await alerts()).toContainEqual(expect.objectContaining({ kind: 'payout', subject: `lawpay/${txn}` }));
  });

  it('takes the money back off the invoice when a charge is voided after it was applied, with a note and an alert; a voided refund puts it back', async () => {
    const matter = await h.createMatter({ client: { name: 'Finn Void', email: 'finn@client.test' } });
    const { number, handle } = await issuedInvoice(matter, 50_000);
    const paid = await pay({ amount_cents: 20_000, reference: number });
    await waitFor(async () => Number((await invoiceRow(number)).paid_cents) === 20_000, {
      what: 'the payment',
      ...patiently,
    });
    const refund = await lawpay('POST', `/__sandbox/transactions/${String(paid.transaction_id)}/refund`, {
      amount_cents: 5_000,
    });
    await waitFor(async () => Number((await invoiceRow(number)).paid_cents) === 15_000, {
      what: 'the refund',
      ...patiently,
    });

    await lawpayApi('POST', `/v1/transactions/${String(refund.transaction_id)}/void`, {});
    await waitFor(async () => Number((await invoiceRow(number)).paid_cents) === 20_000, {
      what: 'the voided refund to put the money back',
      ...patiently,
    });
    await lawpayApi('POST', `/v1/transactions/${String(paid.transaction_id)}/void`, {});
    await waitFor(async () => Number((await invoiceRow(number)).paid_cents) === 0, {
      what: 'the voided charge to take the money back',
      ...patiently,
    });

    expect(await invoiceRow(number)).toMatchObject({ status: 'issued', paid_cents: 0 });
    await waitFor(async () => (await handle.query(invoiceStatusQuery)).amountDueCents === 50_000, {
      what: 'the invoice to owe it all again',
      ...patiently,
    });
    expect(await h.noteSubjects(matter.id)).toEqual(
      expect.arrayContaining(['Payment voided: $200.00', 'Refund voided: $50.00']),
    );
    expect(await alerts()).toContainEqual(
      expect.objectContaining({ kind: 'payment-reversal', subject: `lawpay/${String(paid.transaction_id)}/charge` }),
    );
  });

  async function lawpayApi(method: string, pathname: string, body: unknown) {
    const response = await fetch(`${h.lawpay.url}${pathname}`, {
      method,
      body: JSON.stringify(body),
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from('sandbox_secret_key:').toString('base64')}`,
      },
    });
    if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${await response.text()}`);
    return response.json();
  }

  it('never takes money in an account LawPay does not list as income: it is set aside with an alert', async () => {
    const matter = await h.createMatter({ client: { name: 'Gus Account', email: 'gus@client.test' } });
    const { number } = await issuedInvoice(matter, 30_000);
    const paid = await pay({ amount_cents: 30_000, reference: number, account: 'unlisted' });
    const txn = String(paid.transaction_id);
    await waitFor(async () => (await ledger(txn)).length > 0, { what: 'the payment to be recorded', ...patiently });
    expect(await ledger(txn)).toEqual([{ kind: 'charge', state: 'rejected', invoice_number: null }]);
    expect(await invoiceRow(number)).toMatchObject({ paid_cents: 0 });
    expect(await alerts()).toContainEqual(
      expect.objectContaining({ kind: 'payment-rejected', subject: `lawpay/${txn}` }),
    );
  });

  it('holds an overpayment as a credit on the matter with an alert, and the next invoice of the matter takes it before trust', async () => {
    const matter = await h.createMatter({
      client: { name: 'Hal Over', email: 'hal@client.test' },
      trust_balance_cents: 100_000,
    });
    const number = await draft(matter, 40_000);
    await h.activities.drawTrust({ firmId: FIRM, invoiceNumber: number });
    await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: number, nowMs: Date.now() });
    expect(await invoiceRow(number)).toMatchObject({ status: 'paid', trust_applied_cents: 40_000 });
    // All of it came from trust; the client pays it again by card.
    const paid = await pay({ amount_cents: 40_000, reference: number });
    await waitFor(async () => (await ledger(String(paid.transaction_id))).length > 0, {
      what: 'the payment',
      ...patiently,
    });
    expect(await alerts()).toContainEqual(
      expect.objectContaining({ kind: 'overpayment', subject: number, message: expect.stringContaining('$400.00') }),
    );

    const next = await draft(matter, 25_000);
    expect(await h.activities.applyMatterCredit({ firmId: FIRM, invoiceNumber: next })).toEqual({
      creditCents: 25_000,
    });
    const draw = await h.activities.drawTrust({ firmId: FIRM, invoiceNumber: next });
    expect(draw.drawCents).toBe(0); // the credit covered it: no trust is touched
    expect(await invoiceRow(next)).toMatchObject({ credit_applied_cents: 25_000, trust_applied_cents: 0 });
  });

  it("wakes an invoice with the invoice as the payment's transaction committed it, the matter's credit included", async () => {
    const matter = await h.createMatter({ client: { name: 'Una Credit', email: 'una@client.test' } });
    const earlier = await draft(matter, 40_000);
    await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: earlier, nowMs: Date.now() - 1000 });
    // $200 more than it owed: held as a credit on the matter, with no other invoice owing yet.
    await h.activities.applyPayment({ firmId: FIRM, payment: payment({ amountCents: 60_000, reference: earlier }) });
    const later = await draft(matter, 50_000);
    await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: later, nowMs: Date.now() });
    // A $100 payment on the later invoice; in the same transaction the matter's $200 credit pays it down too.
    const outcome = await h.activities.applyPayment({
      firmId: FIRM,
      payment: payment({ amountCents: 10_000, reference: later }),
    });
    const row = await invoiceRow(later);
    expect(row).toMatchObject({ paid_cents: 10_000, credit_applied_cents: 20_000 });
    // What the invoice's workflow is told is the row as committed: $200 due, at the row's latest revision.
    expect(outcome).toMatchObject({
      state: 'applied',
      invoiceNumber: later,
      invoiceAfter: {
        invoiceNumber: later,
        paidCents: 10_000,
        creditAppliedCents: 20_000,
        amountDueCents: 20_000,
        revision: Number(row.revision),
      },
    });
  });

  it('pays two invoices, not the oldest twice, when two payments race on one legacy reference', async () => {
    const matter = await h.createMatter({ client: { name: 'Ivy Race', email: 'ivy@client.test' } });
    const first = await draft(matter, 50_000);
    await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: first, nowMs: Date.now() - 1000 });
    const second = await draft(matter, 50_000);
    await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: second, nowMs: Date.now() });
    await h.database.db.query(
      `INSERT INTO matter_links (firm_id, processor, external_reference, practice_matter_id, matter_display_number, source) VALUES ($1, 'lawpay', 'SMITH-LEGACY-7', $2, $3, 'admin')`,
      [FIRM, String(matter.id), matter.display_number],
    );
    await Promise.all([
      h.activities.applyPayment({
        firmId: FIRM,
        payment: payment({ amountCents: 50_000, reference: 'SMITH-LEGACY-7' }),
      }),
      h.activities.applyPayment({
        firmId: FIRM,
        payment: payment({ amountCents: 50_000, reference: 'SMITH-LEGACY-7' }),
      }),
    ]);
    expect(await invoiceRow(first)).toMatchObject({ status: 'paid', paid_cents: 50_000 });
    expect(await invoiceRow(second)).toMatchObject({ status: 'paid', paid_cents: 50_000 });
  });

  it('pays down every invoice a legacy-reference payment covers: the excess on the oldest goes to the next one owing, so nobody is reminded of a paid invoice', async () => {
    const matter = await h.createMatter({ client: { name: 'Ola Both', email: 'ola@client.test' } });
    const first = await draft(matter, 50_000);
    await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: first, nowMs: Date.now() - 1000 });
    const second = await draft(matter, 50_000);
    await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: second, nowMs: Date.now() });
    await h.database.db.query(
      `INSERT INTO matter_links (firm_id, processor, external_reference, practice_matter_id, matter_display_number, source) VALUES ($1, 'lawpay', 'OLA-ALL', $2, $3, 'admin')`,
      [FIRM, String(matter.id), matter.display_number],
    );
    const outcome = await h.activities.applyPayment({
      firmId: FIRM,
      payment: payment({ amountCents: 100_000, reference: 'OLA-ALL' }),
    });
    expect(outcome).toMatchObject({ state: 'applied', invoiceNumber: first, creditedInvoices: [second] });
    expect(await invoiceRow(first)).toMatchObject({ status: 'paid', paid_cents: 100_000 });
    expect(await invoiceRow(second)).toMatchObject({ status: 'paid', credit_applied_cents: 50_000 });
  });

  it('waits for the charge when a refund with a legacy reference arrives first, then takes the money back where the charge put it', async () => {
    const matter = await h.createMatter({ client: { name: 'Pia Early', email: 'pia@client.test' } });
    const number = await draft(matter, 50_000);
    await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: number, nowMs: Date.now() });
    await h.database.db.query(
      `INSERT INTO matter_links (firm_id, processor, external_reference, practice_matter_id, matter_display_number, source) VALUES ($1, 'lawpay', 'PIA-OLD', $2, $3, 'admin')`,
      [FIRM, String(matter.id), matter.display_number],
    );
    const charge = payment({ amountCents: 50_000, reference: 'PIA-OLD' });
    const refund = payment({
      kind: 'refund',
      amountCents: 20_000,
      reference: 'PIA-OLD',
      chargeTransactionId: charge.transactionId,
    });
    expect(await h.activities.applyPayment({ firmId: FIRM, payment: refund })).toMatchObject({ state: 'unmatched' });
    await h.activities.applyPayment({ firmId: FIRM, payment: charge });
    expect(await h.activities.applyPayment({ firmId: FIRM, payment: refund })).toMatchObject({
      state: 'applied',
      invoiceNumber: number,
    });
    expect(await invoiceRow(number)).toMatchObject({ status: 'partially_paid', paid_cents: 30_000 });
  });

  it('finishes an invoice paid in full just before an admin voided it as paid, not failed', async () => {
    const matter = await h.createMatter({ client: { name: 'Quin Late', email: 'quin@client.test' } });
    const number = await draft(matter, 20_000);
    await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: number, nowMs: Date.now() });
    await h.activities.applyPayment({ firmId: FIRM, payment: payment({ amountCents: 20_000, reference: number }) });
    expect(await h.activities.voidInvoice({ firmId: FIRM, invoiceNumber: number, reason: 'too late' })).toMatchObject({
      status: 'paid',
      amountDueCents: 0,
    });
  });

  it('parks a payment whose reference names a void invoice, with an alert, instead of applying it silently', async () => {
    const matter = await h.createMatter({ client: { name: 'Jo Parked', email: 'jo@client.test' } });
    const number = await draft(matter, 20_000);
    await h.activities.voidInvoice({ firmId: FIRM, invoiceNumber: number, reason: 'wrong rate' });
    const late = payment({ amountCents: 20_000, reference: number });
    expect(await h.activities.applyPayment({ firmId: FIRM, payment: late })).toMatchObject({ state: 'parked' });
    expect(await ledger(late.transactionId)).toEqual([{ kind: 'charge', state: 'parked', invoice_number: null }]);
    expect(await alerts()).toContainEqual(
      expect.objectContaining({ kind: 'payment-parked', subject: `lawpay/${late.transactionId}` }),
    );
  });

  it('never applies a CAD payment as USD cents: it is set aside with an alert', async () => {
    const matter = await h.createMatter({ client: { name: 'Kai Loonie', email: 'kai@client.test' } });
    const { number } = await issuedInvoice(matter, 30_000);
    const paid = await pay({ amount_cents: 30_000, reference: number, currency: 'CAD' });
    const txn = String(paid.transaction_id);
    await waitFor(async () => (await ledger(txn)).length > 0, { what: 'the payment to be recorded', ...patiently });
    expect(await ledger(txn)).toEqual([{ kind: 'charge', state: 'rejected', invoice_number: null }]);
    expect(await invoiceRow(number)).toMatchObject({ paid_cents: 0 });
    expect(await alerts()).toContainEqual(
      expect.objectContaining({
        kind: 'payment-rejected',
        subject: `lawpay/${txn}`,
        message: expect.stringContaining('CAD'),
      }),
    );
  });

  it('rejects a negative amount with an alert instead of failing a database check and retrying for hours', async () => {
    const matter = await h.createMatter({ client: { name: 'Lee Minus', email: 'lee@client.test' } });
    const number = await draft(matter, 30_000);
    await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: number, nowMs: Date.now() });
    const negative = payment({ amountCents: -30_000, reference: number });
    expect(await h.activities.applyPayment({ firmId: FIRM, payment: negative })).toMatchObject({ state: 'rejected' });
    expect(await alerts()).toContainEqual(
      expect.objectContaining({ kind: 'payment-rejected', subject: `lawpay/${negative.transactionId}` }),
    );
  });

  it("names the firm in the payment workflow's ID: payment/<firm>/<processor>/<transaction>", async () => {
    const matter = await h.createMatter({ client: { name: 'Mo Ident', email: 'mo@client.test' } });
    const { number } = await issuedInvoice(matter, 10_000);
    const paid = await pay({ amount_cents: 10_000, reference: number });
    const handle = env.client.workflow.getHandle(
      workflowIds.paymentReconciliation(FIRM, 'lawpay', String(paid.transaction_id)),
    );
    await waitFor(async () => (await handle.describe().catch(() => null)) !== null, {
      what: 'the payment workflow under its firm ID',
      ...patiently,
    });
    expect(await handle.result()).toMatchObject({ state: 'applied', invoiceNumber: number });
  });

  it('retries a write-back on 503 and alerts when it has stalled; dead-letters a refused one with an alert, and `matterpay writebacks retry` queues it again', async () => {
    const drain = writebackActivities({ db: h.database.db, firm: (id) => h.firms.get(id) });
    const matter = await h.createMatter({ client: { name: 'Ned Queue', email: 'ned@client.test' } });
    await h.drainer.stop(); // drain by hand below, only this test's rows
    await h.database.db.query(`UPDATE practice_writebacks SET state = 'done' WHERE firm_id = $1 AND state <> 'done'`, [
      FIRM,
    ]);
    await h.database.db.query(
      `INSERT INTO practice_writebacks (firm_id, idempotency_key, matter_id, kind, payload) VALUES
      ($1, 'test/outage-note', $2, 'note', '{"kind":"note","subject":"During the outage","detail":"queued","date":"2026-12-01"}'),
      ($1, 'test/refused-note', '999999', 'note', '{"kind":"note","subject":"On a matter Clio does not have","detail":"queued","date":"2026-12-01"}')`,
      [FIRM, String(matter.id)],
    );
    const states = async () =>
      (
        await h.database.db.query(
          `SELECT idempotency_key, state FROM practice_writebacks WHERE idempotency_key LIKE 'test/%' ORDER BY 1`,
        )
      ).rows;
    const due = () =>
      h.database.db.query(
        `UPDATE practice_writebacks SET next_attempt_at = now() WHERE firm_id = $1 AND state = 'pending'`,
        [FIRM],
      );

    await h.control('POST', '/__sandbox/faults', { error_rate: 1 });
    await drain.drainWritebacks({ firmId: FIRM, limit: 1000, stalledAlertAfterMs: 0 });
    expect(await states()).toEqual([
      { idempotency_key: 'test/outage-note', state: 'pending' },
      { idempotency_key: 'test/refused-note', state: 'pending' },
    ]);
    expect(await alerts()).toContainEqual(
      expect.objectContaining({ kind: 'writeback-stalled', subject: 'test/outage-note' }),
    );

    await h.control('POST', '/__sandbox/faults', { error_rate: 0 });
    await due();
    await drain.drainWritebacks({ firmId: FIRM, limit: 1000 });
    expect(await states()).toEqual([
      { idempotency_key: 'test/outage-note', state: 'done' },
      { idempotency_key: 'test/refused-note', state: 'dead' },
    ]);
    expect(await h.noteSubjects(matter.id)).toContain('During the outage');
    expect(await alerts()).toContainEqual(
      expect.objectContaining({
        kind: 'writeback-dead',
        subject: 'test/refused-note',
        message: expect.stringContaining('matterpay writebacks retry'),
      }),
    );
    expect((await alerts()).some((a) => a.kind === 'writeback-stalled' && a.subject === 'test/outage-note')).toBe(
      false,
    );

    const cli = await runCli(['writebacks', 'retry', '--json']);
    expect(cli).toMatchObject({ code: 0 });
    expect(JSON.parse(cli.stdout)).toEqual({ requeued: 1 });
    expect(await states()).toEqual([
      { idempotency_key: 'test/outage-note', state: 'done' },
      { idempotency_key: 'test/refused-note', state: 'pending' },
    ]);
    h.drainer = withWritebackDrainer({ db: h.database.db, firm: (id) => h.firms.get(id) }, () => [FIRM]).drainer;
  });

  async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.resolve(__dirname, '../../bin/matterpay.js'), ...args], {
        env: {
          ...process.env,
          DATABASE_URL: h.database.url,
          TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
          FIRM_ID: FIRM,
          LOG_LEVEL: 'silent',
          MATTERPAY_SECRET_KEYS: Buffer.alloc(32, 7).toString('base64'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }
});
