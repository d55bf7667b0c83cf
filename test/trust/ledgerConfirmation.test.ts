import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { BillingHarness, useBillingHarness } from '../support/billing';
import { timeSkippingEnvironment } from '../support/temporal';
import { trustHelpers } from './support';

/**
 * Trust draws on real peers (docs/domain.md §4.3): the Clio-style sandbox's trust ledger over HTTP, the real activities and
 * store, the invoice workflow on Temporal. A draw is confirmed by its ledger entry, never by a balance that matches.
 */
describe('trust draws are confirmed by the ledger, never by the balance', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  useBillingHarness(timeSkippingEnvironment, (started, harness) => {
    env = started;
    h = harness;
  });
  const { startInvoice, issued, bookkeeper, drawRows } = trustHelpers(
    () => env,
    () => h,
  );

  it('$1,000 in trust, a $400 draw not yet posted, a $500 filing fee paid from trust: the next $500 invoice draws at most $100', async () => {
    const matter = await h.createMatter({
      trust_balance_cents: 100_000,
      client: { name: 'Fay Filing', email: 'fay@client.test' },
    });
    const first = await issued(await startInvoice(matter, 40_000));
    expect(first.trustAppliedCents).toBe(40_000);

    await bookkeeper.withdraw(matter, 50_000, 'Court filing fee');
    const second = await issued(await startInvoice(matter, 50_000));

    expect(second.trustAppliedCents).toBe(10_000);
    expect(second.amountDueCents).toBe(40_000);
    const draws = await drawRows(matter);
    expect(draws.map((d) => [d.amount_cents, d.state])).toEqual([
      [40_000, 'recorded'],
      [10_000, 'recorded'],
    ]);
    const state = await h.clioState();
    expect(state.matters.find((m) => m.id === matter.id)!.trust_balance_cents).toBe(50_000); // never below what the draws need
  });

  it('confirms each draw by the ledger entry naming its invoice, which wins over an earlier withdrawal of the same amount', async () => {
    const matter = await h.createMatter({
      trust_balance_cents: 100_000,
      client: { name: 'Gil Ledger', email: 'gil@client.test' },
    });
    const first = await startInvoice(matter, 30_000);
    await issued(first);
    await bookkeeper.withdraw(matter, 30_000, 'Expert witness retainer');
    const second = await startInvoice(matter, 20_000);
    await issued(second);
    await bookkeeper.postDraw(matter, 30_000, `Trust applied to invoice ${first.number}`);
    await bookkeeper.postDraw(matter, 20_000, `Trust applied to invoice ${second.number}`);
    const third = await issued(await startInvoice(matter, 5_000));

    const draws = await drawRows(matter);
    const state = await h.control<{ trust_ledger: Array<{ id: number; description: string }> }>(
      'GET',
      '/__sandbox/state',
    );
    const entryFor = (text: string) => String(state.trust_ledger.find((e) => e.description.includes(text))!.id);
    expect(draws.find((d) => d.invoice_number === first.number)).toMatchObject({
      state: 'confirmed',
      ledger_entry_id: entryFor(first.number),
    });
    expect(draws.find((d) => d.invoice_number === second.number)).toMatchObject({
      state: 'confirmed',
      ledger_entry_id: entryFor(second.number),
    });
    expect(draws.map((d) => d.ledger_entry_id)).not.toContain(entryFor('Expert witness'));
    // $1,000 − $300 expert − $300 − $200 posted = $200 in the ledger and nothing unconfirmed: the $50 invoice is covered.
    expect(third.trustAppliedCents).toBe(5_000);
  });
});
