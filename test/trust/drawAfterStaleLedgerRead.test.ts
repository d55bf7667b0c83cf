import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { timeSkippingEnvironment } from '../support/temporal';

/**
 * A draw reads the matter's trust ledger before it takes the matter's lock (a vendor call never runs under it). A draw
 * confirmed in between by a fresher read must still be subtracted from the older read's balance, which does not show
 * its withdrawal yet; otherwise the same money counts as available twice (domain/trust.ts,
 * drawsTheLedgerDoesNotShowCents).
 */
describe('a trust draw decided on a ledger read before another draw was confirmed', () => {
  let h: BillingHarness;
  useBillingHarness(timeSkippingEnvironment, (_env, harness) => {
    h = harness;
  });

  it('never draws more than the trust the matter holds', async () => {
    const matter = await h.createMatter({
      trust_balance_cents: 100_000,
      client: { name: 'Stale Ledger', email: 'stale@client.test' },
    });
    const a = await h.draftHourly(matter, 100_000, '2026-09');
    const b = await h.draftHourly(matter, 40_000, '2026-10');
    const c = await h.draftHourly(matter, 10_000, '2026-11');

    // A draws all $1,000 (recorded, not yet posted by the bookkeeper).
    expect((await h.activities.drawTrust({ firmId: FIRM, invoiceNumber: a })).drawCents).toBe(100_000);

    // B's ledger read completes (balance $1,000, A's withdrawal not posted yet), then B is slow to get the lock.
    const practice = h.services.practice;
    const original = practice.listTrustLedger.bind(practice);
    let readDone!: () => void;
    const bRead = new Promise<void>((r) => (readDone = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    practice.listTrustLedger = async (...args: Parameters<typeof original>) => {
      const ledger = await original(...args);
      practice.listTrustLedger = original; // only B's read is held
      readDone();
      await gate;
      return ledger;
    };
    const bDraw = h.activities.drawTrust({ firmId: FIRM, invoiceNumber: b });
    await bRead;

    // The bookkeeper posts A's draw; C's draw reads the fresh ledger and confirms A's draw by it.
    await h.control('POST', `/__sandbox/trust/${matter.id}/apply`, {
      amount_cents: 100_000,
      description: `Trust applied to invoice ${a}`,
    });
    expect((await h.activities.drawTrust({ firmId: FIRM, invoiceNumber: c })).drawCents).toBe(0);

    release();
    const bResult = await bDraw;

    const { rows } = await h.database.db.query(
      'SELECT invoice_number, amount_cents, state FROM trust_draws WHERE firm_id = $1 AND matter_id = $2 ORDER BY id',
      [FIRM, String(matter.id)],
    );
    const drawn = rows.reduce((sum, r) => sum + Number(r.amount_cents), 0);
    // The matter held $1,000 of trust in all; the practice system now shows $0 left.
    expect({ bDraw: bResult.drawCents, totalDrawn: drawn }).toEqual({ bDraw: 0, totalDrawn: 100_000 });
  });
});
