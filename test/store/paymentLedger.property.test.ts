import fc from 'fast-check';
import type { Payment, PaymentKind, PaymentStatus } from '../../connectors/ports';
import { ledgerEffectCents } from '../../domain/paymentEffect';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';

/**
 * The ledger rule on the real store: for any set of charges, refunds, voids and disputes on one invoice, delivered in
 * any order, duplicated, some at once (racing for the matter lock), each transaction last delivered in the state it
 * rests in (the reconciliation reads that state before applying), the invoice's paid amount equals the processor
 * ledger's net and its balance due is never negative.
 */
const transaction = fc.oneof(
  fc.record({
    kind: fc.constant<PaymentKind>('charge'),
    amount: fc.integer({ min: 1, max: 80_000 }),
    states: fc.constantFrom<PaymentStatus[]>(
      ['completed'],
      ['failed', 'completed'],
      ['completed', 'voided'],
      ['failed'],
    ),
  }),
  fc.record({
    kind: fc.constant<PaymentKind>('refund'),
    amount: fc.integer({ min: 1, max: 30_000 }),
    states: fc.constantFrom<PaymentStatus[]>(['completed'], ['completed', 'voided']),
  }),
  fc.record({
    kind: fc.constant<PaymentKind>('dispute'),
    amount: fc.integer({ min: 1, max: 30_000 }),
    states: fc.constantFrom<PaymentStatus[]>(['open'], ['open', 'won'], ['open', 'lost']),
  }),
);

describe('payments ledger property on PostgreSQL: paid equals the processor ledger net, due never negative', () => {
  let h: BillingHarness;
  useBillingHarness(devServerEnvironment, (_env, harness) => {
    h = harness;
  });

  it('holds for any order of delivery, with duplicates and races', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(transaction, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.integer({ min: 1, max: 3 }),
        async (txns, shuffle, raceWidth) => {
          runs++;
          const matter = await h.createMatter({ client: { name: `Prop ${runs}`, email: 'prop@client.test' } });
          const entry = await h.addEntry(matter.id, 5, 20_000);
          const { invoiceNumber } = await h.activities.draftInvoice({
            firmId: FIRM,
            matterId: String(matter.id),
            matterDisplayNumber: matter.display_number,
            kind: 'hourly',
            period: '2026-11',
            lines: [{ lineKey: `entry:${entry}`, description: 'time', amountCents: 100_000 }],
          });
          await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: invoiceNumber!, nowMs: Date.now() });
          const ids = txns.map((_, i) => `prop${runs}_${i}`);
          const chargeId = ids[txns.findIndex((t) => t.kind === 'charge')] ?? null;
          const paymentOf = (i: number, status: PaymentStatus): Payment => ({
            processor: 'lawpay',
            transactionId: ids[i]!,
            kind: txns[i]!.kind,
            status,
            amountCents: txns[i]!.amount,
            currency: 'USD',
            reference: invoiceNumber!,
            accountKind: 'operating',
            occurredAt: new Date().toISOString(),
            chargeTransactionId: txns[i]!.kind === 'charge' ? null : chargeId,
            account: null,
          });

          const deliveries: Payment[] = [];
          txns.forEach((t, i) => t.states.forEach((state) => deliveries.push(paymentOf(i, state))));
          for (const n of shuffle)
            deliveries.splice(n % (deliveries.length + 1), 0, deliveries[n % deliveries.length]!);
          txns.forEach((t, i) => deliveries.push(paymentOf(i, t.states[t.states.length - 1]!)));
          // Deliver in batches of `raceWidth` at once; a transaction's resting state goes in the last batch alone.
          const resting = deliveries.splice(deliveries.length - txns.length);
          for (let i = 0; i < deliveries.length; i += raceWidth) {
            await Promise.all(
              deliveries.slice(i, i + raceWidth).map((payment) => h.activities.applyPayment({ firmId: FIRM, payment })),
            );
          }
          for (const payment of resting) await h.activities.applyPayment({ firmId: FIRM, payment });

          const processorNet = txns.reduce(
            (sum, t) => sum + ledgerEffectCents(t.kind, t.states[t.states.length - 1]!, t.amount),
            0,
          );
          const row = (
            await h.database.db.query(
              'SELECT paid_cents, status FROM invoices WHERE firm_id = $1 AND invoice_number = $2',
              [FIRM, invoiceNumber],
            )
          ).rows[0];
          const invoice = await h.activities.loadInvoice({ firmId: FIRM, invoiceNumber: invoiceNumber! });
          return (
            Number(row.paid_cents) === processorNet &&
            invoice.amountDueCents >= 0 &&
            invoice.amountDueCents === Math.max(0, 100_000 - processorNet) &&
            row.status === (processorNet >= 100_000 ? 'paid' : processorNet > 0 ? 'partially_paid' : 'issued')
          );
        },
      ),
      { numRuns: 60, seed: 20261201 },
    );
    expect(runs).toBe(60);
  });
});
