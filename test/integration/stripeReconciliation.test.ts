import Stripe from 'stripe';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { openCheckout } from '../../activities/checkouts';
import { createStripeProcessor } from '../../connectors/stripe';
import { cancelSignal, invoiceStatusQuery, reconciliationStatusQuery } from '../../shared/messages';
import { workflowIds } from '../../shared/workflowIds';
import { invoice } from '../../workflows';
import { FirmRegistry } from '../../worker/firms';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { startRecordingProxy, startStripeMock, type RecordingProxy, type StripeMock } from '../support/stripe-mock';
import { devServerEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';

/**
 * A second firm on the same deployment takes card payments through Stripe Connect: its signed webhook goes through
 * the real ingress, is routed by `?firm=`, verified with the endpoint secret, and the payment is applied once to
 * that firm's invoice. The LawPay firm of the harness is untouched.
 *
 * stripe-mock keeps no state, and the reconciliation reads each transaction's current state from Stripe before it
 * decides. So the Stripe objects' current states live in `stripeNow` below: a proxy in front of stripe-mock answers
 * the SDK's retrieve calls for PaymentIntents and disputes from it, at the HTTP level, and forwards everything else.
 */
const STRIPE_FIRM = 'stripe-firm';
const ACCOUNT = 'acct_1FirmStripe';
const WEBHOOK_SECRET = 'whsec_test_matterpay';

describe('Stripe payments through the ingress, for a second firm', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  let stripeMock: StripeMock;
  let proxy: RecordingProxy;
  let ingressUrl: string;
  /** What Stripe would answer now for each object id (PaymentIntents and disputes), set as the test moves them. */
  const stripeNow = new Map<string, Record<string, unknown>>();
  /** Retrieves answered 503 before the real answer, to keep a workflow busy (as a slow Stripe would). */
  const unavailableFor = new Map<string, number>();
  /** Set while Stripe refuses matterpay's key (401): a key rolled or revoked in the firm's dashboard. */
  let refusingKey = false;
  const signer = new Stripe('sk_test_123');

  useBillingHarness(devServerEnvironment, async (started, harness) => {
    env = started;
    h = harness;
    stripeMock = await startStripeMock();
    proxy = await startRecordingProxy(stripeMock);
    proxy.respondWith((req) => {
      if (refusingKey && req.method === 'POST' && /^\/v1\/checkout\/sessions\/[^/]+\/expire$/.test(req.path))
        return {
          status: 401,
          body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_***123' } },
        };
      const match = /^\/v1\/(payment_intents|disputes)\/([^/]+)$/.exec(req.path);
      if (req.method !== 'GET' || !match) return undefined;
      const id = decodeURIComponent(match[2]!);
      const busy = unavailableFor.get(id) ?? 0;
      if (busy > 0) {
        unavailableFor.set(id, busy - 1);
        return { status: 503, body: { error: { type: 'api_error', message: 'try again' } } };
      }
      const object = stripeNow.get(id);
      return object
        ? { status: 200, body: object }
        : { status: 404, body: { error: { type: 'invalid_request_error', message: `No such object: ${id}` } } };
    });
    const lawFirm = h.firms.connection(FIRM);
    const stripeFirm = {
      services: {
        ...lawFirm.services,
        firmId: STRIPE_FIRM,
        processor: createStripeProcessor({
          secretKey: 'sk_test_123',
          webhookSecret: WEBHOOK_SECRET,
          connectedAccount: ACCOUNT,
          apiHost: { host: proxy.host, port: proxy.port, protocol: 'http' },
        }),
      },
      practiceAuth: lawFirm.practiceAuth,
    };
    // The workers' activities and the ingress both see the two firms.
    h.firms = new FirmRegistry(
      new Map([
        [FIRM, lawFirm],
        [STRIPE_FIRM, stripeFirm],
      ]),
    );
    ingressUrl = (await h.startIngress({ extraFirms: [[STRIPE_FIRM, stripeFirm]] })).url;
  });
  afterAll(async () => {
    await proxy?.stop();
    await stripeMock?.stop();
  });

  const postStripe = (body: string, signature: string, firm = STRIPE_FIRM) =>
    fetch(`${ingressUrl}/webhooks/stripe?firm=${firm}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body,
    });

  function intent(paymentIntentId: string, amount: number, reference: string, outcome: 'succeeded' | 'failed') {
    const now = Math.floor(Date.now() / 1000);
    return {
      id: paymentIntentId,
      object: 'payment_intent',
      amount,
      amount_received: outcome === 'succeeded' ? amount : 0,
      currency: 'usd',
      status: outcome === 'succeeded' ? 'succeeded' : 'requires_payment_method',
      created: now,
      last_payment_error: outcome === 'failed' ? { code: 'card_declined' } : null,
      metadata: { matterpay_reference: reference, matterpay_invoice: reference },
    };
  }

  function event(type: string, object: Record<string, unknown>, account = ACCOUNT) {
    const now = Math.floor(Date.now() / 1000);
    return JSON.stringify({
      id: `evt_${String(object.id)}_${type}_${Math.random().toString(36).slice(2, 8)}`,
      object: 'event',
      api_version: '2026-10-28.endive',
      created: now,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      account,
      type,
      data: { object },
    });
  }

  /** A `payment_intent.succeeded` event; Stripe's current answer for the PaymentIntent becomes "succeeded" too. */
  function succeeded(paymentIntentId: string, amount: number, reference: string, account = ACCOUNT) {
    const pi = intent(paymentIntentId, amount, reference, 'succeeded');
    if (account === ACCOUNT) stripeNow.set(paymentIntentId, pi);
    return event('payment_intent.succeeded', pi, account);
  }

  const signed = (body: string) => signer.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET });

  async function issued(amountCents: number, name: string) {
    const matter = await h.createMatter({
      client: { name, email: `${name.split(' ')[0]!.toLowerCase()}@client.test` },
    });
    const entry = await h.addEntry(matter.id, amountCents / 20_000, 20_000);
    const draft = await h.activities.draftInvoice({
      firmId: STRIPE_FIRM,
      matterId: String(matter.id),
      matterDisplayNumber: matter.display_number,
      kind: 'hourly',
      period: '2026-11',
      lines: [{ lineKey: `entry:${entry}`, description: 'time', amountCents }],
    });
    const number = draft.invoiceNumber!;
    await h.activities.issueInvoice({ firmId: STRIPE_FIRM, invoiceNumber: number, nowMs: Date.now() });
    return { matter, number };
  }

  /** An issued invoice whose client pressed Pay on its page: a POST that opens a Checkout Session for the balance. */
  async function issuedWithCheckout(amountCents: number, name: string) {
    const { number } = await issued(amountCents, name);
    const link = (
      await h.database.db.query('SELECT token FROM pay_links WHERE firm_id = $1 AND invoice_number = $2', [
        STRIPE_FIRM,
        number,
      ])
    ).rows[0].token as string;
    const opened = await fetch(`${ingressUrl}/pay/${link}/checkout`, { method: 'POST', redirect: 'manual' });
    expect(opened.status).toBe(303);
    const {
      rows: [checkout],
    } = await h.database.db.query(
      'SELECT checkout_id, amount_cents, state FROM processor_checkouts WHERE firm_id = $1 AND invoice_number = $2',
      [STRIPE_FIRM, number],
    );
    return { number, checkout: checkout as { checkout_id: string; amount_cents: number; state: string } };
  }

  const notExpiredAlerts = async (checkoutId: string) =>
    (
      await h.database.db.query(
        `SELECT message FROM alerts WHERE firm_id = $1 AND kind = 'checkout-not-expired' AND subject = $2 AND resolved_at IS NULL`,
        [STRIPE_FIRM, `checkout/stripe/${checkoutId}`],
      )
    ).rows as { message: string }[];

  const stripeInvoice = async (number: string) =>
    (
      await h.database.db.query('SELECT status, paid_cents FROM invoices WHERE firm_id = $1 AND invoice_number = $2', [
        STRIPE_FIRM,
        number,
      ])
    ).rows[0];

  it('applies a signed payment_intent.succeeded once, to the right firm; a bad signature gets 401 and starts nothing', async () => {
    const matter = await h.createMatter({ client: { name: 'Vi Card', email: 'vi@client.test' } });
    const entry = await h.addEntry(matter.id, 2, 20_000);
    const draft = await h.activities.draftInvoice({
      firmId: STRIPE_FIRM,
      matterId: String(matter.id),
      matterDisplayNumber: matter.display_number,
      kind: 'hourly',
      period: '2026-11',
      lines: [{ lineKey: `entry:${entry}`, description: 'time', amountCents: 40_000 }],
    });
    const number = draft.invoiceNumber!;
    await h.activities.issueInvoice({ firmId: STRIPE_FIRM, invoiceNumber: number, nowMs: Date.now() });

    const body = succeeded('pi_Vi123', 40_000, number);
    const forged = await postStripe(
      body,
      signer.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_wrong' }),
    );
    expect(forged.status).toBe(401);
    await expect(
      env.client.workflow.getHandle(workflowIds.paymentReconciliation(STRIPE_FIRM, 'stripe', 'pi_Vi123')).describe(),
    ).rejects.toThrow();

    const signature = signer.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET });
    const responses = await Promise.all([postStripe(body, signature), postStripe(body, signature)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const handle = env.client.workflow.getHandle(workflowIds.paymentReconciliation(STRIPE_FIRM, 'stripe', 'pi_Vi123'));
    expect(await handle.result()).toMatchObject({ state: 'applied', invoiceNumber: number });
    expect(await handle.query(reconciliationStatusQuery)).toMatchObject({ processor: 'stripe', state: 'applied' });

    const { rows } = await h.database.db.query(
      'SELECT firm_id, kind, amount_cents, invoice_number FROM processed_payments WHERE transaction_id = $1',
      ['pi_Vi123'],
    );
    expect(rows).toEqual([{ firm_id: STRIPE_FIRM, kind: 'charge', amount_cents: 40_000, invoice_number: number }]);
    const invoice = (
      await h.database.db.query('SELECT status, paid_cents FROM invoices WHERE firm_id = $1 AND invoice_number = $2', [
        STRIPE_FIRM,
        number,
      ])
    ).rows[0];
    expect(invoice).toEqual({ status: 'paid', paid_cents: 40_000 });
  });

  it('ignores an event from another connected account, and refuses the Stripe route for the LawPay firm', async () => {
    const body = succeeded('pi_Other', 10_000, 'whatever', 'acct_someone_else');
    const response = await postStripe(
      body,
      signer.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ignored' });
    await expect(
      env.client.workflow.getHandle(workflowIds.paymentReconciliation(STRIPE_FIRM, 'stripe', 'pi_Other')).describe(),
    ).rejects.toThrow();
    expect((await postStripe(body, 't=1,v1=00', FIRM)).status).toBe(404);
  });

  it("applies a PaymentIntent that failed and then succeeded, though the failure's workflow was still running (the proxy answers the PaymentIntent retrieve with its current status)", async () => {
    const { matter, number } = await issued(30_000, 'Wes Retry');
    const failed = intent('pi_WesRetry', 30_000, number, 'failed');
    stripeNow.set('pi_WesRetry', failed);
    unavailableFor.set('pi_WesRetry', 3); // the first workflow is still busy reading Stripe…
    await h.control('POST', '/__sandbox/faults', { error_rate: 1 }); // …and writing its note to Clio
    try {
      const failedBody = event('payment_intent.payment_failed', failed);
      expect((await postStripe(failedBody, signed(failedBody))).status).toBe(200);
      const handle = env.client.workflow.getHandle(
        workflowIds.paymentReconciliation(STRIPE_FIRM, 'stripe', 'pi_WesRetry'),
      );
      await waitFor(async () => (await handle.describe().catch(() => null))?.status.name === 'RUNNING', {
        what: 'the first workflow to be running',
        timeoutMs: 10_000,
      });
      const succeededBody = succeeded('pi_WesRetry', 30_000, number);
      expect((await postStripe(succeededBody, signed(succeededBody))).status).toBe(200);
    } finally {
      await h.control('POST', '/__sandbox/faults', { error_rate: 0 });
    }
    await waitFor(async () => (await stripeInvoice(number)).status === 'paid', {
      what: 'the invoice to be paid',
      timeoutMs: 30_000,
    });
    expect(await stripeInvoice(number)).toEqual({ status: 'paid', paid_cents: 30_000 });
    // The note is a write-back: queued with the money, written when Clio answers (it was failing a moment ago).
    await waitFor(async () => (await h.noteSubjects(matter.id)).includes('Payment received: $300.00'), {
      what: 'the payment note',
      timeoutMs: 30_000,
    });
  });

  it('withdraws disputed funds from the invoice with an alert, and gives them back when the dispute is won (the proxy answers the dispute retrieve)', async () => {
    const { number } = await issued(50_000, 'Xia Dispute');
    const paidBody = succeeded('pi_XiaDispute', 50_000, number);
    await postStripe(paidBody, signed(paidBody));
    await waitFor(async () => (await stripeInvoice(number)).status === 'paid', {
      what: 'the payment',
      timeoutMs: 30_000,
    });

    const dispute = {
      id: 'du_XiaDispute',
      object: 'dispute',
      amount: 50_000,
      currency: 'usd',
      status: 'needs_response',
      created: Math.floor(Date.now() / 1000),
      payment_intent: 'pi_XiaDispute',
      charge: 'ch_Xia',
      metadata: {},
    };
    stripeNow.set('du_XiaDispute', dispute);
    const opened = event('charge.dispute.created', dispute);
    expect((await postStripe(opened, signed(opened))).status).toBe(200);
    await waitFor(async () => Number((await stripeInvoice(number)).paid_cents) === 0, {
      what: 'the disputed funds to be withdrawn',
      timeoutMs: 30_000,
    });
    expect(await stripeInvoice(number)).toEqual({ status: 'issued', paid_cents: 0 });
    const { rows: alerts } = await h.database.db.query(
      `SELECT kind FROM alerts WHERE firm_id = $1 AND subject = 'stripe/du_XiaDispute'`,
      [STRIPE_FIRM],
    );
    expect(alerts).toEqual([{ kind: 'dispute' }]);

    stripeNow.set('du_XiaDispute', { ...dispute, status: 'won' });
    const closed = event('charge.dispute.closed', { ...dispute, status: 'won' });
    expect((await postStripe(closed, signed(closed))).status).toBe(200);
    await waitFor(async () => (await stripeInvoice(number)).status === 'paid', {
      what: 'the won dispute to give the funds back',
      timeoutMs: 30_000,
    });
    expect(await stripeInvoice(number)).toEqual({ status: 'paid', paid_cents: 50_000 });
  });

  it('expires the open Checkout Session once a payment changes the balance, so it cannot take a stale amount (stripe-mock answers the expire)', async () => {
    const { number, checkout } = await issuedWithCheckout(80_000, 'Yan Session');
    expect(checkout).toMatchObject({ amount_cents: 80_000, state: 'open' });

    const partial = succeeded('pi_YanPartial', 20_000, number);
    await postStripe(partial, signed(partial));
    await waitFor(
      async () =>
        (
          await h.database.db.query('SELECT state FROM processor_checkouts WHERE checkout_id = $1', [
            checkout.checkout_id,
          ])
        ).rows[0].state === 'expired',
      { what: 'the stale session to be expired', timeoutMs: 30_000 },
    );
    expect(
      proxy.requests.some(
        (r) => r.method === 'POST' && r.path === `/v1/checkout/sessions/${String(checkout.checkout_id)}/expire`,
      ),
    ).toBe(true);
  });

  it("keeps trying to expire a stale Checkout Session while Stripe refuses matterpay's key, and marks it expired only once Stripe has", async () => {
    const { number, checkout } = await issuedWithCheckout(70_000, 'Zed Rotated');
    const expirePath = `/v1/checkout/sessions/${String(checkout.checkout_id)}/expire`;
    const state = async () =>
      (
        await h.database.db.query('SELECT state FROM processor_checkouts WHERE checkout_id = $1', [
          checkout.checkout_id,
        ])
      ).rows[0].state as string;
    refusingKey = true;
    try {
      const partial = succeeded('pi_ZedPartial', 20_000, number);
      await postStripe(partial, signed(partial));
      const attempts = () => proxy.requests.filter((r) => r.method === 'POST' && r.path === expirePath).length;
      await waitFor(async () => attempts() >= 1, {
        what: 'a refused attempt to expire the session',
        timeoutMs: 30_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Stripe still has the session open, for the old balance: it is not expired until Stripe says so.
      expect(await state()).toBe('open');
      // The firm is told, while the retries go on, without a word of Stripe's answer (which quotes the key).
      const [alert] = await notExpiredAlerts(String(checkout.checkout_id));
      expect(alert?.message).toContain(`on invoice ${number}`);
      expect(alert?.message).toContain('$700.00');
      expect(alert?.message).toContain('STRIPE_SECRET_KEY');
      expect(alert?.message).not.toContain('sk_test');
      await waitFor(async () => attempts() >= 2, { what: 'the expiry to be tried again', timeoutMs: 30_000 });
      expect(await state()).toBe('open');
    } finally {
      refusingKey = false;
    }
    await waitFor(async () => (await state()) === 'expired', {
      what: 'the session to be expired once Stripe takes the key again',
      timeoutMs: 60_000,
    });
    expect(await notExpiredAlerts(String(checkout.checkout_id))).toEqual([]);
  });

  it("takes Stripe's signed event while an outsider floods the route with forged signatures", async () => {
    // Behind the firm's reverse proxy, which says who sent each request.
    const limited = await h.startIngress({
      extraFirms: [[STRIPE_FIRM, h.firms.connection(STRIPE_FIRM)]],
      env: { WEBHOOK_RATE_LIMIT: '5/1m', INGRESS_TRUST_PROXY: '127.0.0.1' },
    });
    const post = (body: string, signature: string, from: string) =>
      fetch(`${limited.url}/webhooks/stripe?firm=${STRIPE_FIRM}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature, 'x-forwarded-for': from },
        body,
      });
    try {
      const forged: number[] = [];
      for (let i = 0; i < 7; i++) forged.push((await post('{}', 't=1,v1=00', '203.0.113.9')).status);
      expect(forged).toEqual([401, 401, 401, 401, 401, 429, 429]);
      const { number } = await issued(25_000, 'Flo Flood');
      const real = succeeded('pi_FloReal', 25_000, number);
      expect((await post(real, signed(real), '54.187.174.169')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('closes a Checkout Session the client opened while the invoice was being voided', async () => {
    const { number } = await issued(45_000, 'Ray Race');
    const firm = h.firms.get(STRIPE_FIRM);
    const real = firm.processor;
    // The void lands between the page's read of the balance and the session's record: its expiry cannot see it.
    const racing = new Proxy(real, {
      get(target, name) {
        if (name === 'checkoutForLink')
          return async (request: Parameters<typeof real.checkoutForLink>[0]) => {
            const checkout = await target.checkoutForLink(request);
            await h.activities.voidInvoice({ firmId: STRIPE_FIRM, invoiceNumber: number, reason: 'billed in error' });
            return checkout;
          };
        const value = Reflect.get(target, name, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const opened = await openCheckout(
      h.database.db,
      { ...firm, processor: racing },
      { invoiceNumber: number, amountDueCents: 45_000 },
      'http://pay.firm.test/pay/t',
    );
    expect(opened).toBeNull();
    const { rows } = await h.database.db.query(
      'SELECT state FROM processor_checkouts WHERE firm_id = $1 AND invoice_number = $2',
      [STRIPE_FIRM, number],
    );
    expect(rows).toEqual([{ state: 'expired' }]);
  });

  it("expires the stale Checkout Session after a payment even while the mail server refuses matterpay's login", async () => {
    const { number, checkout } = await issuedWithCheckout(60_000, 'Lin Locked');
    const state = async () =>
      (
        await h.database.db.query('SELECT state FROM processor_checkouts WHERE checkout_id = $1', [
          checkout.checkout_id,
        ])
      ).rows[0].state as string;
    const restore = h.refuseMailLogin();
    try {
      const partial = succeeded('pi_LinPartial', 20_000, number);
      await postStripe(partial, signed(partial));
      // The staff notice waits for the login; the session for the old $600.00 must not.
      await waitFor(async () => (await state()) === 'expired', {
        what: 'the stale session to be expired while the mail waits',
        timeoutMs: 30_000,
      });
      expect(await stripeInvoice(number)).toEqual({ status: 'partially_paid', paid_cents: 20_000 });
    } finally {
      restore();
    }
    const payment = env.client.workflow.getHandle(
      workflowIds.paymentReconciliation(STRIPE_FIRM, 'stripe', 'pi_LinPartial'),
    );
    expect(await payment.result()).toMatchObject({ state: 'applied', invoiceNumber: number });
  });

  it('shows a voided invoice void at once while Stripe refuses to expire its checkout, tells the firm, and closes the checkout once Stripe takes the key', async () => {
    const { number, checkout } = await issuedWithCheckout(50_000, 'Val Voided');
    const checkoutId = String(checkout.checkout_id);
    const handle = await env.client.workflow.start(invoice, {
      workflowId: workflowIds.invoice(STRIPE_FIRM, number),
      taskQueue: h.taskQueue,
      args: [
        {
          firmId: STRIPE_FIRM,
          invoiceNumber: number,
          policy: h.policy(),
          resume: { seenPayments: [], escalated: false, payLinkUrl: null },
        },
      ],
    });
    await waitFor(async () => (await handle.query(invoiceStatusQuery)).status === 'issued', {
      what: 'the invoice workflow to load the issued invoice',
    });
    refusingKey = true;
    try {
      await handle.signal(cancelSignal, { reason: 'billed in error' });
      await waitFor(async () => (await notExpiredAlerts(checkoutId)).length === 1, {
        what: 'an alert that the checkout could not be expired',
        timeoutMs: 30_000,
      });
      // The void is done and shown while the checkout's expiry is retried: the workflow neither hides it nor fails.
      await waitFor(async () => (await handle.query(invoiceStatusQuery)).status === 'void', {
        what: 'the invoice workflow to show the invoice void',
        timeoutMs: 30_000,
      });
      expect((await stripeInvoice(number)).status).toBe('void');
      expect((await handle.describe()).status.name).toBe('RUNNING');
    } finally {
      refusingKey = false;
    }
    expect(await handle.result()).toMatchObject({ status: 'void' });
    const { rows } = await h.database.db.query('SELECT state FROM processor_checkouts WHERE checkout_id = $1', [
      checkoutId,
    ]);
    expect(rows).toEqual([{ state: 'expired' }]);
    expect(await notExpiredAlerts(checkoutId)).toEqual([]);
  });

  it('tells the firm when Stripe has no PaymentIntent a signed event named (a key for the other mode or account), instead of ignoring it quietly', async () => {
    const { number } = await issued(30_000, 'Uma Unknown');
    const body = succeeded('pi_UmaLiveMode', 30_000, number);
    stripeNow.delete('pi_UmaLiveMode'); // Stripe answers 404 to the retrieve, as it does for a live object read with a test key
    const signature = signer.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET });
    expect((await postStripe(body, signature)).status).toBe(200);
    const handle = env.client.workflow.getHandle(
      workflowIds.paymentReconciliation(STRIPE_FIRM, 'stripe', 'pi_UmaLiveMode'),
    );
    expect(await handle.result()).toMatchObject({ state: 'ignored' });
    const { rows } = await h.database.db.query(
      `SELECT kind, message FROM alerts WHERE firm_id = $1 AND subject = 'stripe/pi_UmaLiveMode' AND resolved_at IS NULL`,
      [STRIPE_FIRM],
    );
    expect(rows).toEqual([
      {
        kind: 'payment-unverified',
        message: expect.stringMatching(
          /^stripe has no transaction pi_UmaLiveMode.*nothing was applied.*same account and mode/,
        ),
      },
    ]);
  });
});
