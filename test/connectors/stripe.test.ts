import { disputeStatus } from '../../connectors/stripe/payments';
/**
 * The Stripe connector over real HTTP against stripe-mock (Stripe's own mock server), with a recording proxy in
 * front of it to see what the connector sent: stripe-mock is stateless, ignores Stripe-Account and echoes little.
 * Webhooks are signed locally with the endpoint secret, as Stripe's own test helpers do (stripe-mock sends none).
 */
import Stripe from 'stripe';
import { createStripeProcessor } from '../../connectors/stripe';
import { mapStripeError } from '../../connectors/stripe/client';
import { CHECKOUT_WINDOW_MS } from '../../connectors/stripe/checkout';
import type { CheckoutRequest, PaymentProcessor } from '../../connectors/ports';
import {
  VendorRejectedError,
  VendorSchemaError,
  VendorUnavailableError,
  WebhookPayloadError,
  WebhookVerificationError,
} from '../../connectors/errors';
import { startRecordingProxy, startStripeMock, type RecordingProxy, type StripeMock } from '../support/stripe-mock';

const ACCOUNT = 'acct_1FirmSmithLaw';
const OTHER_ACCOUNT = 'acct_1SomeOtherFirm';
const WEBHOOK_SECRET = 'whsec_test_matterpay';
const NOW = Date.parse('2026-03-02T10:15:00.000Z');
const nowSeconds = Math.floor(NOW / 1000);

let mock: StripeMock;
let proxy: RecordingProxy;

function processorAt(
  nowMs: number,
  overrides: Partial<Parameters<typeof createStripeProcessor>[0]> = {},
): PaymentProcessor {
  return createStripeProcessor({
    secretKey: 'sk_test_123',
    webhookSecret: WEBHOOK_SECRET,
    connectedAccount: ACCOUNT,
    apiHost: { host: proxy.host, port: proxy.port, protocol: 'http' },
    maxNetworkRetries: 0,
    now: () => nowMs,
    ...overrides,
  });
}

beforeAll(async () => {
  mock = await startStripeMock();
  proxy = await startRecordingProxy(mock);
});

afterAll(async () => {
  await proxy?.stop();
  await mock?.stop();
});

beforeEach(() => {
  proxy.requests.length = 0;
  proxy.respondWith(null);
});

const stripeError = (status: number, type: string, extra: Record<string, string> = {}) => ({
  error: { type, message: `simulated ${type}`, ...extra },
});

describe('checkoutForLink', () => {
  const request: CheckoutRequest = {
    invoiceNumber: 'SL-0042-0007',
    amountCents: 125_000,
    currency: 'USD',
    reference: 'SL-0042-0007',
    idempotencyKey: 'checkout:SL-0042-0007:125000',
    clientEmail: 'client@example.com',
    returnUrl: 'https://pay.example.com/pay/tok_abc123',
  };

  it('creates a Checkout Session on the connected account with the idempotency key, metadata and expiry', async () => {
    const checkout = await processorAt(NOW).checkoutForLink(request);

    expect(checkout.url).toMatch(/^https:\/\//);
    expect(checkout.processorCheckoutId).toMatch(/^cs_/);
    expect(checkout.expiresAt).not.toBeNull();

    expect(proxy.requests).toHaveLength(1);
    const sent = proxy.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/checkout/sessions');
    expect(sent.headers['stripe-account']).toBe(ACCOUNT);
    expect(sent.headers['idempotency-key']).toMatch(/^checkout:SL-0042-0007:125000:w\d+$/);
    expect(sent.headers.authorization).toBe('Bearer sk_test_123');

    const form = Object.fromEntries(sent.form);
    expect(form).toMatchObject({
      mode: 'payment',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '125000',
      'line_items[0][price_data][product_data][name]': 'Invoice SL-0042-0007',
      customer_email: 'client@example.com',
      client_reference_id: 'SL-0042-0007',
      'metadata[matterpay_reference]': 'SL-0042-0007',
      'metadata[matterpay_invoice]': 'SL-0042-0007',
      'payment_intent_data[metadata][matterpay_reference]': 'SL-0042-0007',
      'payment_intent_data[metadata][matterpay_invoice]': 'SL-0042-0007',
      success_url: 'https://pay.example.com/pay/tok_abc123?checkout=complete',
      cancel_url: 'https://pay.example.com/pay/tok_abc123?checkout=cancelled',
    });
    const expiresAt = Number(form.expires_at);
    expect(expiresAt - nowSeconds).toBeGreaterThanOrEqual(30 * 60);
    expect(expiresAt - nowSeconds).toBeLessThanOrEqual(24 * 3600);
    // stripe-mock echoes expires_at; the connector reports it.
    expect(checkout.expiresAt).toBe(new Date(expiresAt * 1000).toISOString());
  });

  it('sends byte-identical requests on a retry, so Stripe replays the first session instead of refusing the key', async () => {
    await processorAt(NOW).checkoutForLink(request);
    await processorAt(NOW + 60_000).checkoutForLink(request);
    const [first, retry] = proxy.requests;
    expect(retry!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
    expect(retry!.body).toBe(first!.body);
  });

  it('opens a fresh session in the next window, so a replay never hands out an expired one', async () => {
    await processorAt(NOW).checkoutForLink(request);
    await processorAt(NOW + CHECKOUT_WINDOW_MS).checkoutForLink(request);
    const [first, later] = proxy.requests;
    expect(later!.headers['idempotency-key']).not.toBe(first!.headers['idempotency-key']);
    const laterExpiry = Number(later!.form.get('expires_at'));
    expect(laterExpiry - Math.floor((NOW + CHECKOUT_WINDOW_MS) / 1000)).toBeGreaterThanOrEqual(17 * 3600);
  });

  it("asks the client in the firm's currency, not always in dollars", async () => {
    await processorAt(NOW).checkoutForLink({ ...request, currency: 'CAD' });
    expect(proxy.requests[0]!.form.get('line_items[0][price_data][currency]')).toBe('cad');
  });

  it('leaves customer_email out when the client has none', async () => {
    await processorAt(NOW).checkoutForLink({ ...request, clientEmail: null });
    expect(proxy.requests[0]!.form.has('customer_email')).toBe(false);
  });

  it('refuses a non-positive or fractional amount before calling Stripe', async () => {
    await expect(processorAt(NOW).checkoutForLink({ ...request, amountCents: 0 })).rejects.toThrow(RangeError);
    await expect(processorAt(NOW).checkoutForLink({ ...request, amountCents: 10.5 })).rejects.toThrow(RangeError);
    expect(proxy.requests).toHaveLength(0);
  });

  it('names the missing field when the session comes back without a url', async () => {
    proxy.respondWith(() => ({ status: 200, body: { id: 'cs_test_1', object: 'checkout.session', url: null } }));
    const err = await processorAt(NOW)
      .checkoutForLink(request)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorSchemaError);
    expect((err as VendorSchemaError).fieldPaths).toEqual(['url']);
    expect((err as VendorSchemaError).retryable).toBe(false);
  });

  it.each([
    [429, 'rate_limit_error', { 'retry-after': '7' }, VendorUnavailableError, 7],
    [500, 'api_error', {}, VendorUnavailableError, null],
    [503, 'api_error', {}, VendorUnavailableError, null],
    [409, 'invalid_request_error', { 'stripe-should-retry': 'true' }, VendorUnavailableError, null],
    [400, 'invalid_request_error', {}, VendorRejectedError, null],
    [400, 'idempotency_error', {}, VendorRejectedError, null],
    [401, 'invalid_request_error', {}, VendorRejectedError, null],
    [403, 'invalid_request_error', {}, VendorRejectedError, null],
  ] as const)('classifies an HTTP %i %s response', async (status, type, headers, expected, retryAfter) => {
    proxy.respondWith(() => ({ status, headers, body: stripeError(status, type) }));
    const err = await processorAt(NOW)
      .checkoutForLink(request)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(expected);
    expect((err as VendorUnavailableError).status).toBe(status);
    expect((err as VendorUnavailableError).retryAfterSeconds).toBe(retryAfter);
    expect((err as Error).message).not.toContain('sk_test_123');
  });

  it('classifies a refused connection as retryable', async () => {
    const closed = createStripeProcessor({
      secretKey: 'sk_test_123',
      webhookSecret: WEBHOOK_SECRET,
      connectedAccount: ACCOUNT,
      maxNetworkRetries: 0,
      apiHost: { host: '127.0.0.1', port: 1, protocol: 'http' },
    });
    const err = await closed.checkoutForLink(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorUnavailableError);
    expect((err as VendorUnavailableError).status).toBeNull();
  });
});

const intent = (overrides: Record<string, unknown> = {}) => ({
  id: 'pi_3Paid',
  object: 'payment_intent',
  amount: 125_000,
  amount_received: 125_000,
  currency: 'usd',
  status: 'succeeded',
  created: nowSeconds - 120,
  last_payment_error: null,
  metadata: { matterpay_reference: 'SL-0042-0007', matterpay_invoice: 'SL-0042-0007' },
  ...overrides,
});

const refund = (overrides: Record<string, unknown> = {}) => ({
  id: 're_3Back',
  object: 'refund',
  amount: 25_000,
  currency: 'usd',
  status: 'succeeded',
  created: nowSeconds - 60,
  payment_intent: 'pi_3Paid',
  charge: 'ch_3Paid',
  metadata: {},
  ...overrides,
});

describe('getTransaction', () => {
  it('reads a PaymentIntent on the connected account (stripe-mock fixture: declined, so failed)', async () => {
    const payment = await processorAt(NOW).getTransaction('pi_123');
    expect(proxy.requests[0]!.path).toBe('/v1/payment_intents/pi_123');
    expect(proxy.requests[0]!.headers['stripe-account']).toBe(ACCOUNT);
    expect(payment).toMatchObject({
      processor: 'stripe',
      transactionId: 'pi_123',
      kind: 'charge',
      status: 'failed',
      amountCents: 1099,
      currency: 'USD',
      reference: null,
      accountKind: 'operating',
      chargeTransactionId: null,
      account: ACCOUNT,
    });
  });

  it.each([
    ['succeeded', null, 'completed'],
    ['processing', null, 'pending'],
    ['canceled', null, 'voided'],
    ['requires_payment_method', null, 'pending'],
    ['requires_payment_method', { type: 'card_error', code: 'card_declined' }, 'failed'],
  ] as const)('maps status %s (error %j) to %s', async (status, lastError, expected) => {
    proxy.respondWith(() => ({ status: 200, body: intent({ status, last_payment_error: lastError }) }));
    const payment = await processorAt(NOW).getTransaction('pi_3Paid');
    expect(payment?.status).toBe(expected);
    expect(payment?.reference).toBe('SL-0042-0007');
  });

  it('returns null for an unknown id', async () => {
    proxy.respondWith(() => ({
      status: 404,
      body: stripeError(404, 'invalid_request_error', { code: 'resource_missing' }),
    }));
    await expect(processorAt(NOW).getTransaction('pi_missing')).resolves.toBeNull();
  });

  it('reads a refund with its PaymentIntent expanded, so it carries the reference in one call', async () => {
    proxy.respondWith((req) =>
      req.path.startsWith('/v1/refunds/') ? { status: 200, body: refund({ payment_intent: intent() }) } : undefined,
    );
    const payment = await processorAt(NOW).getTransaction('re_3Back');
    expect(proxy.requests).toHaveLength(1);
    expect(proxy.requests[0]!.query.get('expand[0]')).toBe('payment_intent');
    expect(payment).toEqual({
      processor: 'stripe',
      transactionId: 're_3Back',
      kind: 'refund',
      status: 'completed',
      amountCents: 25_000,
      currency: 'USD',
      reference: 'SL-0042-0007',
      accountKind: 'operating',
      occurredAt: new Date((nowSeconds - 60) * 1000).toISOString(),
      chargeTransactionId: 'pi_3Paid',
      account: ACCOUNT,
    });
  });

  it('rejects a PaymentIntent of the wrong shape, naming the field', async () => {
    proxy.respondWith(() => ({ status: 200, body: intent({ amount: 'lots' }) }));
    const err = await processorAt(NOW)
      .getTransaction('pi_3Paid')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorSchemaError);
    expect((err as VendorSchemaError).fieldPaths).toEqual(['amount']);
  });
});

const event = (type: string, object: unknown, overrides: Record<string, unknown> = {}) => ({
  id: `evt_${type.replace(/\W/g, '_')}`,
  object: 'event',
  api_version: '2026-10-28.endive',
  created: nowSeconds - 30,
  livemode: false,
  pending_webhooks: 1,
  request: { id: null, idempotency_key: null },
  account: ACCOUNT,
  type,
  data: { object },
  ...overrides,
});

describe('listTransactionsSince', () => {
  const since = '2026-03-02T09:00:00.000Z';

  it('lists the consumed event types on the connected account, 100 at a time (stripe-mock: nothing relevant)', async () => {
    const page = await processorAt(NOW).listTransactionsSince(since, null);
    expect(page).toEqual({ items: [], nextCursor: null });
    const sent = proxy.requests[0]!;
    expect(sent.method).toBe('GET');
    expect(sent.path).toBe('/v1/events');
    expect(sent.headers['stripe-account']).toBe(ACCOUNT);
    expect(sent.query.get('limit')).toBe('100');
    expect(sent.query.get('created[gte]')).toBe(String(Date.parse(since) / 1000));
    expect(sent.query.has('starting_after')).toBe(false);
    const types = [...sent.query.entries()].filter(([k]) => k.startsWith('types[')).map(([, v]) => v);
    expect(types.sort()).toEqual([
      'charge.dispute.closed',
      'charge.dispute.created',
      'payment_intent.payment_failed',
      'payment_intent.succeeded',
      'refund.created',
      'refund.failed',
      'refund.updated',
    ]);
  });

  it("translates charges and refunds, looks up a refund's reference once per unknown PaymentIntent, and pages on", async () => {
    const events = [
      event('refund.created', refund({ id: 're_A', payment_intent: 'pi_3Paid' }), { id: 'evt_4' }),
      event('refund.created', refund({ id: 're_B', payment_intent: 'pi_Old' }), { id: 'evt_3' }),
      event('refund.updated', refund({ id: 're_C', payment_intent: 'pi_Old', status: 'pending' }), { id: 'evt_2' }),
      event('payment_intent.succeeded', intent(), { id: 'evt_1', created: nowSeconds - 300 }),
    ];
    proxy.respondWith((req) => {
      if (req.path === '/v1/events')
        return { status: 200, body: { object: 'list', url: '/v1/events', has_more: true, data: events } };
      if (req.path === '/v1/payment_intents/pi_Old')
        return { status: 200, body: intent({ id: 'pi_Old', metadata: { matterpay_reference: 'SL-0001-0001' } }) };
      return undefined;
    });
    const page = await processorAt(NOW).listTransactionsSince(since, null);

    expect(page.nextCursor).toBe('evt_1');
    expect(page.items.map((p) => [p.transactionId, p.kind, p.status, p.reference, p.chargeTransactionId])).toEqual([
      ['re_A', 'refund', 'completed', 'SL-0042-0007', 'pi_3Paid'],
      ['re_B', 'refund', 'completed', 'SL-0001-0001', 'pi_Old'],
      ['re_C', 'refund', 'pending', 'SL-0001-0001', 'pi_Old'],
      ['pi_3Paid', 'charge', 'completed', 'SL-0042-0007', null],
    ]);
    expect(page.items[3]!.occurredAt).toBe(new Date((nowSeconds - 300) * 1000).toISOString());
    expect(proxy.requests.map((r) => r.path)).toEqual(['/v1/events', '/v1/payment_intents/pi_Old']);
    expect(proxy.requests[1]!.headers['stripe-account']).toBe(ACCOUNT);

    proxy.requests.length = 0;
    proxy.respondWith(null);
    await processorAt(NOW).listTransactionsSince(since, 'evt_1');
    expect(proxy.requests[0]!.query.get('starting_after')).toBe('evt_1');
  });

  it('skips events of another account', async () => {
    proxy.respondWith(() => ({
      status: 200,
      body: {
        object: 'list',
        has_more: false,
        data: [event('payment_intent.succeeded', intent(), { account: OTHER_ACCOUNT })],
      },
    }));
    await expect(processorAt(NOW).listTransactionsSince(since, null)).resolves.toEqual({ items: [], nextCursor: null });
  });

  it('rejects a list item of the wrong shape, naming it', async () => {
    proxy.respondWith(() => ({
      status: 200,
      body: {
        object: 'list',
        has_more: false,
        data: [event('payment_intent.succeeded', intent({ currency: undefined }))],
      },
    }));
    const err = await processorAt(NOW)
      .listTransactionsSince(since, null)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorSchemaError);
    expect((err as VendorSchemaError).fieldPaths).toEqual(['data[0].data.object.currency']);
  });

  it('refuses a since that is not a time', async () => {
    await expect(processorAt(NOW).listTransactionsSince('yesterday', null)).rejects.toThrow(RangeError);
  });
});

describe('parseWebhook', () => {
  const signer = new Stripe('sk_test_123');
  const sign = (payload: string, timestamp = nowSeconds, secret = WEBHOOK_SECRET) =>
    signer.webhooks.generateTestHeaderString({ payload, secret, timestamp });
  const deliver = (
    body: unknown,
    headers?: Record<string, string | string[] | undefined>,
    processor = processorAt(NOW),
  ) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    return processor.parseWebhook(Buffer.from(raw), headers ?? { 'stripe-signature': sign(raw) });
  };

  it('turns a signed payment_intent.succeeded into a completed charge', async () => {
    const outcome = await deliver(event('payment_intent.succeeded', intent()));
    expect(outcome).toEqual({
      kind: 'payment',
      eventId: 'evt_payment_intent_succeeded',
      payment: {
        processor: 'stripe',
        transactionId: 'pi_3Paid',
        kind: 'charge',
        status: 'completed',
        amountCents: 125_000,
        currency: 'USD',
        reference: 'SL-0042-0007',
        accountKind: 'operating',
        occurredAt: new Date((nowSeconds - 30) * 1000).toISOString(),
        chargeTransactionId: null,
        account: ACCOUNT,
      },
    });
    expect(proxy.requests).toHaveLength(0);
  });

  it('turns payment_intent.payment_failed into a failed charge', async () => {
    const outcome = await deliver(
      event(
        'payment_intent.payment_failed',
        intent({
          status: 'requires_payment_method',
          amount_received: 0,
          last_payment_error: { code: 'card_declined' },
        }),
      ),
    );
    expect(outcome).toMatchObject({
      kind: 'payment',
      payment: { status: 'failed', amountCents: 125_000, kind: 'charge' },
    });
  });

  it('turns refund.created into a refund, reading the reference from its PaymentIntent on the connected account', async () => {
    proxy.respondWith((req) =>
      req.path === '/v1/payment_intents/pi_3Paid' ? { status: 200, body: intent() } : undefined,
    );
    const outcome = await deliver(event('refund.created', refund()));
    expect(outcome).toMatchObject({
      kind: 'payment',
      payment: {
        transactionId: 're_3Back',
        kind: 'refund',
        status: 'completed',
        amountCents: 25_000,
        reference: 'SL-0042-0007',
        chargeTransactionId: 'pi_3Paid',
      },
    });
    expect(proxy.requests.map((r) => [r.path, r.headers['stripe-account']])).toEqual([
      ['/v1/payment_intents/pi_3Paid', ACCOUNT],
    ]);
  });

  it('accepts a header with several v1 signatures when one matches (secret rotation)', async () => {
    const raw = JSON.stringify(event('payment_intent.succeeded', intent()));
    const good = sign(raw);
    const other = sign(raw, nowSeconds, 'whsec_old_secret')
      .split(',')
      .find((part) => part.startsWith('v1='))!;
    const outcome = await deliver(raw, { 'Stripe-Signature': `${good.split(',')[0]},${other},${good.split(',')[1]}` });
    expect(outcome.kind).toBe('payment');
  });

  it('rejects a tampered body', async () => {
    const raw = JSON.stringify(event('payment_intent.succeeded', intent()));
    const tampered = raw.replace('125000', '1');
    await expect(deliver(tampered, { 'stripe-signature': sign(raw) })).rejects.toThrow(WebhookVerificationError);
  });

  it('rejects a signature older than 300 s, and accepts one just inside', async () => {
    const raw = JSON.stringify(event('payment_intent.succeeded', intent()));
    await expect(deliver(raw, { 'stripe-signature': sign(raw, nowSeconds - 301) })).rejects.toThrow(
      WebhookVerificationError,
    );
    await expect(deliver(raw, { 'stripe-signature': sign(raw, nowSeconds - 299) })).resolves.toMatchObject({
      kind: 'payment',
    });
  });

  it('rejects a signature dated more than 300 s in the future', async () => {
    const raw = JSON.stringify(event('payment_intent.succeeded', intent()));
    await expect(deliver(raw, { 'stripe-signature': sign(raw, nowSeconds + 301) })).rejects.toThrow(
      WebhookVerificationError,
    );
  });

  it('rejects a missing header and a wrong secret', async () => {
    const raw = JSON.stringify(event('payment_intent.succeeded', intent()));
    await expect(deliver(raw, {})).rejects.toThrow(WebhookVerificationError);
    await expect(deliver(raw, { 'stripe-signature': sign(raw, nowSeconds, 'whsec_someone_else') })).rejects.toThrow(
      WebhookVerificationError,
    );
  });

  it('ignores an event from another connected account, or from none', async () => {
    const foreign = await deliver(event('payment_intent.succeeded', intent(), { account: OTHER_ACCOUNT }));
    expect(foreign).toEqual({
      kind: 'ignored',
      eventId: 'evt_payment_intent_succeeded',
      reason: expect.stringContaining(OTHER_ACCOUNT),
    });
    const platform = await deliver(event('payment_intent.succeeded', intent(), { account: undefined }));
    expect(platform.kind).toBe('ignored');
  });

  it('ignores checkout.session.completed and types it does not consume', async () => {
    const session = await deliver(event('checkout.session.completed', { id: 'cs_1', object: 'checkout.session' }));
    expect(session).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('PaymentIntent') });
    const other = await deliver(event('customer.created', { id: 'cus_1' }));
    expect(other).toMatchObject({ kind: 'ignored', eventId: 'evt_customer_created' });
  });

  it('rejects a signed body that is not a documented event, naming the field', async () => {
    await expect(deliver(event('payment_intent.succeeded', intent({ amount: undefined })))).rejects.toThrow(
      new WebhookPayloadError(
        'Stripe webhook body is not a documented event: data.object.amount: Invalid input: expected number, received undefined',
      ),
    );
    await expect(deliver({ ...event('payment_intent.succeeded', intent()), id: undefined })).rejects.toThrow(/\bid\b/);
    await expect(deliver('not json at all')).rejects.toThrow(WebhookPayloadError);
  });
});

describe('mapStripeError', () => {
  const { errors } = Stripe;
  it.each([
    [
      '429 rate limit with Retry-After',
      new errors.StripeRateLimitError({ message: 'slow down', statusCode: 429, headers: { 'retry-after': '3' } }),
      VendorUnavailableError,
      429,
      3,
    ],
    [
      '502 API error',
      new errors.StripeAPIError({ message: 'oops', statusCode: 502 }),
      VendorUnavailableError,
      502,
      null,
    ],
    ['API error without a status', new errors.StripeAPIError({ message: 'oops' }), VendorUnavailableError, null, null],
    [
      'connection error',
      new errors.StripeConnectionError({ message: 'ECONNRESET' }),
      VendorUnavailableError,
      null,
      null,
    ],
    [
      '400 invalid request',
      new errors.StripeInvalidRequestError({ message: 'bad param', statusCode: 400 }),
      VendorRejectedError,
      400,
      null,
    ],
    [
      '401 authentication',
      new errors.StripeAuthenticationError({ message: 'bad key', statusCode: 401 }),
      VendorRejectedError,
      401,
      null,
    ],
    [
      '403 permission',
      new errors.StripePermissionError({ message: 'not yours', statusCode: 403 }),
      VendorRejectedError,
      403,
      null,
    ],
    [
      '400 idempotency',
      new errors.StripeIdempotencyError({ message: 'key reused', statusCode: 400 }),
      VendorRejectedError,
      400,
      null,
    ],
    [
      'authentication without a status',
      new errors.StripeAuthenticationError({ message: 'bad key' }),
      VendorRejectedError,
      401,
      null,
    ],
  ] as const)('%s', (_label, input, expected, status, retryAfter) => {
    const out = mapStripeError(input, 'test call');
    expect(out).toBeInstanceOf(expected);
    expect((out as VendorUnavailableError).status).toBe(status);
    expect((out as VendorUnavailableError).retryAfterSeconds).toBe(retryAfter);
    expect((out as VendorUnavailableError).vendor).toBe('stripe');
  });

  it.each([
    ['a refused key', 'Invalid API Key provided: sk_live_***************************1234', 'sk_live'],
    ['a restricted key', "The provided key 'rk_test_***5678' does not have the required permissions", 'rk_test'],
    ['a webhook secret', 'No signatures found for whsec_0123456789abcdef', 'whsec_0123'],
    ['a bearer token', 'Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc is not valid', '4eC39HqLyjWDarjtT1zdp7dc'],
  ])(
    "keeps the key Stripe's answer quotes (%s) out of the error, which reaches Temporal and the log",
    (_label, said, secret) => {
      const out = mapStripeError(new Stripe.errors.StripeAuthenticationError({ message: said, statusCode: 401 }), 'x');
      expect((out as Error).message).not.toContain(secret);
      expect((out as Error).message).toMatch(/\(401\)/);
    },
  );

  it('keeps the words of an answer that quotes no key', () => {
    const said = 'Basic authentication failed for this account';
    const out = mapStripeError(new Stripe.errors.StripeAuthenticationError({ message: said, statusCode: 401 }), 'x');
    expect((out as Error).message).toContain(said);
  });

  it("leaves errors that are not Stripe's alone", () => {
    const plain = new TypeError('bug');
    expect(mapStripeError(plain, 'x')).toBe(plain);
  });
});

describe('disputes', () => {
  it('moves money only for a real dispute: an inquiry (warning_*) is pending, a won one gives the funds back', () => {
    expect(disputeStatus('warning_needs_response')).toBe('pending');
    expect(disputeStatus('warning_under_review')).toBe('pending');
    expect(disputeStatus('warning_closed')).toBe('won');
    expect(disputeStatus('needs_response')).toBe('open');
    expect(disputeStatus('under_review')).toBe('open');
    expect(disputeStatus('won')).toBe('won');
    expect(disputeStatus('lost')).toBe('lost');
  });
});
