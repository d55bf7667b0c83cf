import fc from 'fast-check';
import { amountDueCents, statusAfterMoney } from '../../domain/invoiceMoney';
import { ledgerEffectCents, netPaidCents, type LedgerKind, type LedgerStatus } from '../../domain/paymentEffect';

/** A transaction at the processor: the states it passes through, the last being where it rests. */
const transaction = fc.oneof(
  fc.record({
    kind: fc.constant<LedgerKind>('charge'),
    amount: fc.integer({ min: 1, max: 200_000 }),
    states: fc.constantFrom<LedgerStatus[]>(
      ['completed'],
      ['failed'],
      ['failed', 'completed'],
      ['completed', 'voided'],
      ['pending', 'completed'],
    ),
  }),
  fc.record({
    kind: fc.constant<LedgerKind>('refund'),
    amount: fc.integer({ min: 1, max: 100_000 }),
    states: fc.constantFrom<LedgerStatus[]>(['completed'], ['completed', 'voided']),
  }),
  fc.record({
    kind: fc.constant<LedgerKind>('dispute'),
    amount: fc.integer({ min: 1, max: 100_000 }),
    states: fc.constantFrom<LedgerStatus[]>(['open'], ['open', 'won'], ['open', 'lost']),
  }),
);

/**
 * Property of the ledger rule: for any set of transactions and any order of delivery (duplicates, reordering,
 * intermediate states arriving late) in which each transaction is last applied in its resting state (the workflow
 * reads the current state before applying), the invoice's paid amount equals the processor ledger's net, and the
 * amount due is never negative at any moment.
 */
describe('payments ledger property: paid equals the processor ledger net, due never negative', () => {
  it('holds for any sequence of charges, refunds, voids and disputes, in any order', () => {
    let runs = 0;
    fc.assert(
      fc.property(
        fc.array(transaction, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 300_000 }),
        fc.array(fc.nat(), { minLength: 0, maxLength: 30 }),
        (txns, totalCents, noise) => {
          runs++;
          // Deliveries: every intermediate state at a random point, duplicated by `noise`, then each resting state last.
          const deliveries: Array<{ txn: number; state: LedgerStatus }> = [];
          txns.forEach((t, i) => t.states.forEach((state) => deliveries.push({ txn: i, state })));
          for (const n of noise) deliveries.splice(n % (deliveries.length + 1), 0, deliveries[n % deliveries.length]!);
          txns.forEach((t, i) => deliveries.push({ txn: i, state: t.states[t.states.length - 1]! }));

          const ledger = new Map<number, number>();
          for (const d of deliveries) {
            const t = txns[d.txn]!;
            ledger.set(d.txn, ledgerEffectCents(t.kind, d.state, t.amount));
            const money = {
              status: 'issued' as const,
              totalCents,
              trustAppliedCents: 0,
              creditAppliedCents: 0,
              paidCents: netPaidCents([...ledger.values()].map((effectCents) => ({ effectCents }))),
            };
            if (amountDueCents({ ...money, status: statusAfterMoney(money) }) < 0) return false;
          }
          const processorNet = txns.reduce(
            (sum, t) => sum + ledgerEffectCents(t.kind, t.states[t.states.length - 1]!, t.amount),
            0,
          );
          return netPaidCents([...ledger.values()].map((effectCents) => ({ effectCents }))) === processorNet;
        },
      ),
      { numRuns: 1000, seed: 20261201 },
    );
    expect(runs).toBe(1000);
  });
});
