import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';

/**
 * An invoice is emailed under its matter's lock, and the email's exactly-once record is written on a connection of
 * its own. Found by the month-end bench (issue 14): with as many deliveries at once as the store has connections,
 * each held its transaction's connection and waited for a second one, and no invoice was emailed again.
 */
describe('deliveries under load', () => {
  let h: BillingHarness;
  useBillingHarness(devServerEnvironment, async (_env, harness) => {
    h = harness;
  });

  it('emails more invoices at once than the store has connections, each exactly once', async () => {
    const poolSize = h.database.db.options.max ?? 10;
    const numbers: string[] = [];
    for (let i = 0; i < poolSize + 3; i++) {
      const matter = await h.createMatter({ client: { name: `Client ${i}`, email: `client${i}@client.test` } });
      const number = await h.draftHourly(matter, 60_000);
      await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: number, nowMs: Date.now() });
      numbers.push(number);
    }
    const stuck = new Promise<string>((resolve) =>
      setTimeout(() => resolve('still waiting after 60 s'), 60_000).unref(),
    );
    const outcomes = await Promise.race([
      Promise.all(
        numbers.map((invoiceNumber) => h.activities.deliverInvoice({ firmId: FIRM, invoiceNumber, purpose: 'issued' })),
      ),
      stuck,
    ]);
    expect(outcomes).toEqual(numbers.map(() => 'sent'));
    const emails = await h.emails();
    for (const number of numbers) expect(emails.filter((e) => e.subject.includes(number))).toHaveLength(1);
  });
});
