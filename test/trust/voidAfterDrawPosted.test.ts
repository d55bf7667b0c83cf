import { AlertRepository } from '../../store/alerts';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { timeSkippingEnvironment } from '../support/temporal';

/**
 * A `recorded` trust draw only means no ledger read has matched it yet: the bookkeeper may have posted it as the
 * draw's note asked. Voiding the invoice reverses the draw, and a reversed draw matches no ledger entry, so the firm
 * must be told to check, or the client's trust money stays in operating for a void invoice.
 */
describe('void of an invoice whose trust draw the bookkeeper has already posted', () => {
  let h: BillingHarness;
  useBillingHarness(timeSkippingEnvironment, (_env, harness) => {
    h = harness;
  });

  it('tells the firm to return a trust draw it may already have posted when its invoice is voided', async () => {
    const matter = await h.createMatter({
      trust_balance_cents: 30_000,
      client: { name: 'Posted Draw', email: 'posted@client.test' },
    });
    const number = await h.draftHourly(matter, 50_000);
    expect((await h.activities.drawTrust({ firmId: FIRM, invoiceNumber: number })).drawCents).toBe(30_000);
    await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: number, nowMs: Date.now() });

    // The bookkeeper does what the draw's note asks: posts the transfer, naming the invoice.
    await h.control('POST', `/__sandbox/trust/${matter.id}/apply`, {
      amount_cents: 30_000,
      description: `Trust applied to invoice ${number}`,
    });

    await h.activities.voidInvoice({ firmId: FIRM, invoiceNumber: number, reason: 'billed to the wrong matter' });

    const { rows } = await h.database.db.query(
      'SELECT state FROM trust_draws WHERE firm_id = $1 AND invoice_number = $2',
      [FIRM, number],
    );
    const alerts = (await new AlertRepository(h.database.db).open(FIRM)).filter((a) =>
      /trust/i.test(`${a.kind} ${a.message}`),
    );
    const clio = await h.clioState();
    expect({
      practiceTrustCents: clio.matters.find((m) => m.id === matter.id)!.trust_balance_cents,
      drawState: rows[0].state,
      trustAlerts: alerts.map((a) => a.kind),
    }).toEqual({ practiceTrustCents: 0, drawState: 'reversed', trustAlerts: ['trust-reversal'] });
  });
});
