/**
 * The LawPay connector (createLawPayProcessor) over real HTTP against the LawPay sandbox: hosted-page pay links,
 * paging transactions, mapping charges and refunds to domain Payments (trust vs operating from the merchant's
 * accounts), webhook translation by re-fetch, and typed errors (Basic auth, wrong shapes from a stub server).
 */
import { createLawPayProcessor, LawPayHttp, LawPayProcessor } from '../../connectors/lawpay';
import {
  VendorRejectedError,
  VendorSchemaError,
  VendorUnavailableError,
  WebhookPayloadError,
  WebhookVerificationError,
} from '../../connectors/errors';
import type { CheckoutRequest, Payment, PaymentProcessor } from '../../connectors/ports';
import { HeaderDrivenRateLimiter } from '../../connectors/shared/rateLimiter';
import {
  startSandboxedLawPay,
  startStubServer,
  waitFor,
  type SandboxedLawPay,
  type StubReply,
  type StubServer,
} from '../support/sandboxes';

const SECRET_KEY = 'sandbox_secret_key';

let lawpay: SandboxedLawPay;
/** Typed as the port, as activities and the ingress see it. */
let processor: PaymentProcessor;
let trustAccountId: string;
let operatingAccountId: string;

const pay = (body: {
  amount_cents: number;
  reference: string;
  account?: 'operating' | 'trust';
  outcome?: 'completed' | 'failed';
}) => lawpay.post<{ transaction_id: string; event_id: string; status: string }>('/__sandbox/pay', body);

beforeAll(async () => {
  lawpay = await startSandboxedLawPay();
  processor = createLawPayProcessor({
    apiUrl: lawpay.sandbox.url,
    secretKey: SECRET_KEY,
    paymentPageUrl: lawpay.sandbox.hostedPageUrl('operating'),
  });
  const { merchant } = await lawpay.state();
  trustAccountId = merchant.merchant_accounts.find((account) => account.trust_account)!.id;
  operatingAccountId = merchant.merchant_accounts.find((account) => !account.trust_account)!.id;
});

afterAll(async () => {
  await lawpay?.close();
});

beforeEach(async () => {
  await lawpay.post('/__sandbox/reset');
  lawpay.serverLog.length = 0;
});

describe('checkoutForLink', () => {
  const request: CheckoutRequest = {
    invoiceNumber: 'SL-0042-0007',
    amountCents: 125_050,
    currency: 'USD',
    reference: 'SL-0042-0007',
    idempotencyKey: 'checkout:SL-0042-0007:125050',
    clientEmail: 'client@example.com',
    returnUrl: 'http://127.0.0.1:8787/pay/tok',
  };

  it('builds the hosted-page URL with the amount in cents and the reference, both locked, at no API cost', async () => {
    const checkout = await processor.checkoutForLink(request);

    const url = new URL(checkout.url);
    expect(url.origin + url.pathname).toBe(lawpay.sandbox.hostedPageUrl('operating'));
    expect(url.searchParams.get('amount')).toBe('125050');
    expect(url.searchParams.get('reference')).toBe('SL-0042-0007');
    expect(url.searchParams.get('readOnlyFields')).toBe('reference,amount');
    expect(checkout).toMatchObject({ expiresAt: null, processorCheckoutId: null });
    expect(lawpay.serverLog).toEqual([]);

    // The sandbox's hosted page shows that amount and reference, read-only.
    const page = await fetch(checkout.url);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('$1,250.50');
    expect(html).toMatch(/name="amount" value="1250.50" readonly/);
    expect(html).toMatch(/name="reference" value="SL-0042-0007" readonly/);
  });
});

describe('listTransactionsSince', () => {
  it('pages through 450 transactions: every id exactly once', async () => {
    const since = new Date(Date.now() - 1_000).toISOString();
    const created: string[] = [];
    for (let index = 0; index < 450; index += 1) {
      created.push(
        (
          await pay({
            amount_cents: 1_000 + index,
            reference: `INV-${index}`,
            account: index % 3 === 0 ? 'trust' : 'operating',
          })
        ).transaction_id,
      );
    }

    const payments: Payment[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await processor.listTransactionsSince(since, cursor);
      payments.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);

    expect(pages).toBe(6); // three of transactions, then three of their events (which name no older transaction)
    const ids = payments.map((payment) => payment.transactionId);
    expect(new Set(ids).size).toBe(450);
    expect([...ids].sort()).toEqual([...created].sort());
    // Oldest first, and each mapped: INV-3 was paid into trust.
    expect(ids).toEqual(created);
    expect(payments[3]).toMatchObject({
      reference: 'INV-3',
      amountCents: 1_003,
      accountKind: 'trust',
      kind: 'charge',
      status: 'completed',
    });
    expect(payments[4]).toMatchObject({ reference: 'INV-4', accountKind: 'operating' });

    const listCalls = lawpay.serverLog.filter((request) => request.path === '/v1/transactions');
    expect(listCalls.map((request) => [request.query.get('page'), request.query.get('page_size')])).toEqual([
      ['1', '200'],
      ['2', '200'],
      ['3', '200'],
    ]);
    expect(listCalls.every((request) => request.query.get('start_date') === since)).toBe(true);
    const eventCalls = lawpay.serverLog.filter((request) => request.path === '/v1/events');
    expect(eventCalls.map((request) => [request.query.get('page'), request.query.get('start_date')])).toEqual([
      ['1', since],
      ['2', since],
      ['3', since],
    ]);
    // Each transaction was read from its listing, none again by id.
    expect(lawpay.serverLog.filter((request) => request.path.startsWith('/v1/transactions/'))).toHaveLength(0);
    // The merchant's accounts are read once, not per transaction.
    expect(lawpay.serverLog.filter((request) => request.path === '/v1/merchant')).toHaveLength(1);
  });

  it('leaves out transactions created before the window', async () => {
    await pay({ amount_cents: 500, reference: 'OLD' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const fresh = await pay({ amount_cents: 600, reference: 'NEW' });
    const page = await processor.listTransactionsSince(since, null);
    expect(page.items.map((payment) => payment.transactionId)).toEqual([fresh.transaction_id]);
    const events = await processor.listTransactionsSince(since, page.nextCursor);
    expect(events).toEqual({ items: [], nextCursor: null });
  });
});

describe('getTransaction', () => {
  it('maps a completed trust charge and its refund, with the charge id and the charge reference', async () => {
    const charge = await pay({ amount_cents: 50_000, reference: 'SL-0042-0007', account: 'trust' });
    const refund = await lawpay.post<{ transaction_id: string; charge_id: string }>(
      `/__sandbox/transactions/${charge.transaction_id}/refund`,
      {
        amount_cents: 20_000,
        reference: 'partial refund, client overpaid',
      },
    );

    const chargePayment = await processor.getTransaction(charge.transaction_id);
    expect(chargePayment).toEqual<Payment>({
      processor: 'lawpay',
      transactionId: charge.transaction_id,
      kind: 'charge',
      status: 'completed',
      amountCents: 50_000,
      currency: 'USD',
      reference: 'SL-0042-0007',
      accountKind: 'trust',
      occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
      chargeTransactionId: null,
      account: trustAccountId,
    });

    const refundPayment = await processor.getTransaction(refund.transaction_id);
    expect(refundPayment).toMatchObject({
      transactionId: refund.transaction_id,
      kind: 'refund',
      status: 'completed',
      amountCents: 20_000,
      reference: 'SL-0042-0007',
      chargeTransactionId: charge.transaction_id,
      accountKind: 'trust',
    });
  });

  it('tells operating from trust by the merchant account flag, and maps a declined charge as failed', async () => {
    const operating = await pay({ amount_cents: 7_500, reference: 'SL-1' });
    const declined = await pay({ amount_cents: 7_500, reference: 'SL-2', outcome: 'failed' });
    expect(await processor.getTransaction(operating.transaction_id)).toMatchObject({
      accountKind: 'operating',
      account: operatingAccountId,
    });
    expect(await processor.getTransaction(declined.transaction_id)).toMatchObject({ status: 'failed', kind: 'charge' });
  });

  it('returns null for an unknown id', async () => {
    expect(await processor.getTransaction('no-such-transaction')).toBeNull();
  });
});

describe('parseWebhook', () => {
  let receiver: StubServer;

  beforeAll(async () => {
    receiver = await startStubServer(() => ({ status: 200 }));
  });

  afterAll(async () => {
    await receiver?.close();
  });

  beforeEach(async () => {
    receiver.requests.length = 0;
    await lawpay.post('/__sandbox/webhooks', { url: `${receiver.url}/hooks/lawpay` });
  });

  it('re-fetches the transaction of a real event and returns it as the payment, keyed by (transaction, status)', async () => {
    const paid = await pay({ amount_cents: 125_050, reference: 'SL-0042-0007', account: 'trust' });
    const delivery = await waitFor(() => receiver.requests[0]);

    const outcome = await processor.parseWebhook(delivery.rawBody, delivery.headers);

    // The event id is the sender's to choose; what LawPay says about the transaction is not.
    expect(processor.claimedEventId!(delivery.rawBody)).toBe(`transaction/${paid.transaction_id}/completed`);
    expect(outcome).toEqual({
      kind: 'payment',
      eventId: `transaction/${paid.transaction_id}/completed`,
      payment: expect.objectContaining({
        transactionId: paid.transaction_id,
        amountCents: 125_050,
        reference: 'SL-0042-0007',
        accountKind: 'trust',
      }),
      // Read from LawPay's API just now: the reconciliation decides on it without reading it again.
      readJustNow: true,
    });
    // It asked the gateway rather than trusting the body.
    expect(lawpay.serverLog.some((request) => request.path === `/v1/transactions/${paid.transaction_id}`)).toBe(true);
  });

  it('rejects an event for a transaction the gateway does not have with WebhookVerificationError', async () => {
    await pay({ amount_cents: 1_000, reference: 'SL-9' });
    const delivery = await waitFor(() => receiver.requests[0]);
    const event = JSON.parse(delivery.rawBody.toString('utf8')) as { data: { id: string; amount: number } };
    event.data.id = 'forged-transaction-id';
    event.data.amount = 1;

    await expect(processor.parseWebhook(Buffer.from(JSON.stringify(event)), {})).rejects.toBeInstanceOf(
      WebhookVerificationError,
    );
  });

  it('rejects a body that is not JSON, or not an event, with WebhookPayloadError', async () => {
    await expect(processor.parseWebhook(Buffer.from('<html>hello</html>'), {})).rejects.toBeInstanceOf(
      WebhookPayloadError,
    );
    await expect(processor.parseWebhook(Buffer.from('{"type":"transaction.completed"}'), {})).rejects.toBeInstanceOf(
      WebhookPayloadError,
    );
    expect(lawpay.serverLog.filter((request) => request.path.startsWith('/v1/'))).toEqual([]);
  });

  it('ignores events that are not about a transaction', async () => {
    const outcome = await processor.parseWebhook(
      Buffer.from(JSON.stringify({ id: 'evt_1', type: 'merchant.updated', data: { id: 'm1' } })),
      {},
    );
    expect(outcome).toEqual({ kind: 'ignored', eventId: 'evt_1', reason: expect.stringContaining('merchant.updated') });
  });
});

describe('errors', () => {
  it('Basic auth with a wrong secret key is a non-retryable VendorRejectedError with status 401', async () => {
    const wrong = createLawPayProcessor({
      apiUrl: lawpay.sandbox.url,
      secretKey: 'not-the-key',
      paymentPageUrl: lawpay.sandbox.hostedPageUrl('operating'),
    });
    const error = await wrong.getTransaction('anything').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(VendorRejectedError);
    expect(error).toMatchObject({ status: 401, retryable: false, vendor: 'LawPay' });
    expect((error as Error).message).toContain('secret key');
    // The key went as the Basic username with an empty password.
    const sent = lawpay.serverLog[0]!.headers.authorization!;
    expect(Buffer.from(sent.replace(/^Basic /, ''), 'base64').toString('utf8')).toBe('not-the-key:');
  });

  it('an injected gateway failure is a retryable VendorUnavailableError', async () => {
    await lawpay.post('/__sandbox/faults', { error_rate: 1 });
    await expect(processor.getTransaction('anything')).rejects.toMatchObject({
      name: 'VendorUnavailableError',
      retryable: true,
    });
  });

  describe('against a stub gateway', () => {
    let stub: StubServer;
    let reply: (path: string) => StubReply;
    let limiter: HeaderDrivenRateLimiter;
    const transaction = {
      id: 'tx_1',
      created: '2026-03-02T10:00:00Z',
      type: 'CHARGE',
      status: 'COMPLETED',
      account_id: 'acct_op',
      amount: 5_000,
      currency: 'USD',
      reference: 'SL-1',
    };
    const merchant = {
      merchant_accounts: [{ id: 'acct_op', name: 'Operating', trust_account: false }],
      ach_accounts: [],
    };

    beforeAll(async () => {
      stub = await startStubServer((request) => reply(new URL(request.url, 'http://stub').pathname));
    });

    afterAll(async () => {
      await stub?.close();
    });

    beforeEach(() => {
      limiter = new HeaderDrivenRateLimiter(600);
    });

    afterEach(async () => {
      await limiter.stop();
    });

    const stubProcessor = () =>
      new LawPayProcessor(
        new LawPayHttp({ apiUrl: stub.url, secretKey: 'k', limiter }),
        `${stub.url}/pages/firm/operating`,
      );

    it('a transaction without amount is a VendorSchemaError naming amount', async () => {
      const { amount: _omitted, ...withoutAmount } = transaction;
      reply = (path) => ({ status: 200, body: path === '/v1/merchant' ? merchant : withoutAmount });

      const error = await stubProcessor()
        .getTransaction('tx_1')
        .catch((err: unknown) => err);

      expect(error).toBeInstanceOf(VendorSchemaError);
      expect((error as VendorSchemaError).fieldPaths).toEqual(['amount']);
      expect((error as Error).message).toContain('amount');
      expect(error).toMatchObject({ vendor: 'LawPay', retryable: false, endpoint: 'GET /v1/transactions/tx_1' });
    });

    it('an amount that is not whole cents is a VendorSchemaError too (never rounded silently)', async () => {
      reply = (path) => ({ status: 200, body: path === '/v1/merchant' ? merchant : { ...transaction, amount: 50.25 } });
      const error = (await stubProcessor()
        .getTransaction('tx_1')
        .catch((err: unknown) => err)) as VendorSchemaError;
      expect(error).toBeInstanceOf(VendorSchemaError);
      expect(error.fieldPaths).toEqual(['amount']);
    });

    it('a page without results is a VendorSchemaError naming results', async () => {
      reply = () => ({ status: 200, body: { page: 1, page_size: 200, total_entries: 0 } });
      const error = (await stubProcessor()
        .listTransactionsSince('2026-03-01T00:00:00Z', null)
        .catch((err: unknown) => err)) as VendorSchemaError;
      expect(error).toBeInstanceOf(VendorSchemaError);
      expect(error.fieldPaths).toEqual(['results']);
    });

    it('500 is retryable, 422 is not', async () => {
      reply = () => ({ status: 500, body: { messages: [{ code: 'server_error', message: 'boom' }] } });
      await expect(stubProcessor().getTransaction('tx_1')).rejects.toBeInstanceOf(VendorUnavailableError);
      reply = () => ({ status: 422, body: { messages: [{ code: 'invalid_request', message: 'bad id' }] } });
      const error = await stubProcessor()
        .getTransaction('tx_1')
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(VendorRejectedError);
      expect(error).toMatchObject({ status: 422, retryable: false });
      expect((error as Error).message).toContain('bad id');
    });
  });
});
