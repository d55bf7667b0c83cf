import Stripe from 'stripe';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createStripeProcessor } from '../../connectors/stripe';
import { reconciliationStatusQuery } from '../../shared/messages';
import { workflowIds } from '../../shared/workflowIds';
import { FirmRegistry } from '../../worker/firms';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { startStripeMock, type StripeMock } from '../support/stripe-mock';
import { devServerEnvironment } from '../support/temporal';

/**
 * A second firm on the same deployment takes card payments through Stripe Connect: its signed webhook goes through
 * the real ingress, is routed by `?firm=`, verified with the endpoint secret, and the payment is applied once to
 * that firm's invoice. The LawPay firm of the harness is untouched.
 */
const STRIPE_FIRM = 'stripe-firm';
const ACCOUNT = 'acct_1FirmStripe';
const WEBHOOK_SECRET = 'whsec_test_matterpay';

describe('Stripe payments through the ingress, for a second firm', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  let stripeMock: StripeMock;
  let ingressUrl: string;
  const signer = new Stripe('sk_test_123');

  useBillingHarness(devServerEnvironment, async (started, harness) => {
    env = started;
    h = harness;
    stripeMock = await startStripeMock();
    const lawFirm = h.firms.connection(FIRM);
    const stripeFirm = {
      services: {
        ...lawFirm.services, firmId: STRIPE_FIRM,
        processor: createStripeProcessor({
          secretKey: 'sk_test_123', webhookSecret: WEBHOOK_SECRET, connectedAccount: ACCOUNT,
          apiHost: { host: stripeMock.host, port: stripeMock.port, protocol: 'http' },
        }),
      },
      clio: lawFirm.clio,
    };
    // The workers' activities and the ingress both see the two firms.
    h.firms = new FirmRegistry(new Map([[FIRM, lawFirm], [STRIPE_FIRM, stripeFirm]]));
    ingressUrl = (await h.startIngress({ extraFirms: [[STRIPE_FIRM, stripeFirm]] })).url;
  });
  afterAll(async () => {
    await stripeMock?.stop();
  });

  const postStripe = (body: string, signature: string, firm = STRIPE_FIRM) => fetch(`${ingressUrl}/webhooks/stripe?firm=${firm}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body,
  });

  function succeeded(paymentIntentId: string, amount: number, reference: string, account = ACCOUNT) {
    const now = Math.floor(Date.now() / 1000);
    return JSON.stringify({
      id: `evt_${paymentIntentId}`, object: 'event', api_version: '2026-10-28.endive', created: now, livemode: false, pending_webhooks: 1,
      request: { id: null, idempotency_key: null }, account, type: 'payment_intent.succeeded',
      data: { object: {
        id: paymentIntentId, object: 'payment_intent', amount, amount_received: amount, currency: 'usd', status: 'succeeded', created: now,
        last_payment_error: null, metadata: { matterpay_reference: reference, matterpay_invoice: reference },
      } },
    });
  }

  it('applies a signed payment_intent.succeeded once, to the right firm; a bad signature gets 401 and starts nothing', async () => {
    const matter = await h.createMatter({ client: { name: 'Vi Card', email: 'vi@client.test' } });
    const entry = await h.addEntry(matter.id, 2, 20_000);
    const draft = await h.activities.draftInvoice({
      firmId: STRIPE_FIRM, matterId: String(matter.id), matterDisplayNumber: matter.display_number, kind: 'hourly', period: '2026-11',
      lines: [{ lineKey: `entry:${entry}`, description: 'time', amountCents: 40_000 }],
    });
    const number = draft.invoiceNumber!;
    await h.activities.issueInvoice({ firmId: STRIPE_FIRM, invoiceNumber: number, nowMs: Date.now() });

    const body = succeeded('pi_Vi123', 40_000, number);
    const forged = await postStripe(body, signer.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_wrong' }));
    expect(forged.status).toBe(401);
    await expect(env.client.workflow.getHandle(workflowIds.paymentReconciliation(FIRM, 'stripe', 'pi_Vi123')).describe()).rejects.toThrow();

    const signature = signer.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET });
    const responses = await Promise.all([postStripe(body, signature), postStripe(body, signature)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const handle = env.client.workflow.getHandle(workflowIds.paymentReconciliation(FIRM, 'stripe', 'pi_Vi123'));
    expect(await handle.result()).toMatchObject({ state: 'applied', invoiceNumber: number });
    expect(await handle.query(reconciliationStatusQuery)).toMatchObject({ processor: 'stripe', state: 'applied' });

    const { rows } = await h.database.db.query('SELECT firm_id, kind, amount_cents, invoice_number FROM processed_payments WHERE transaction_id = $1', ['pi_Vi123']);
    expect(rows).toEqual([{ firm_id: STRIPE_FIRM, kind: 'charge', amount_cents: 40_000, invoice_number: number }]);
    const invoice = (await h.database.db.query('SELECT status, paid_cents FROM invoices WHERE firm_id = $1 AND invoice_number = $2', [STRIPE_FIRM, number])).rows[0];
    expect(invoice).toEqual({ status: 'paid', paid_cents: 40_000 });
  });

  it('ignores an event from another connected account, and refuses the Stripe route for the LawPay firm', async () => {
    const body = succeeded('pi_Other', 10_000, 'whatever', 'acct_someone_else');
    const response = await postStripe(body, signer.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ignored' });
    await expect(env.client.workflow.getHandle(workflowIds.paymentReconciliation(FIRM, 'stripe', 'pi_Other')).describe()).rejects.toThrow();
    expect((await postStripe(body, 't=1,v1=00', FIRM)).status).toBe(404);
  });
});
