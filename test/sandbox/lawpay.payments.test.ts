import { startLawPaySandbox } from '../../sandbox';
import type { DeliveryLogEntry, LawPayEvent, LawPaySandboxHandle, LawPayTransaction } from '../../sandbox';
import { accountIds, lawPayClient } from './lawpayHelpers';
import type { Receiver } from './support';
import { postJson, requestJson, startReceiver, waitFor } from './support';

type Page<T> = { total_entries: number; results: T[] };

describe('LawPay sandbox: hosted page, client payments and webhooks', () => {
  let sandbox: LawPaySandboxHandle;
  let receiver: Receiver;
  let receiverStatus = 200;

  beforeAll(async () => {
    sandbox = await startLawPaySandbox({ port: 0, webhookRetryBaseMs: 10 });
    receiver = await startReceiver(() => ({ status: receiverStatus }));
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });
  beforeEach(async () => {
    receiverStatus = 200;
    receiver.requests.length = 0;
    await postJson(`${sandbox.url}/__sandbox/reset`, {});
  });

  const pageQuery = new URLSearchParams({
    amount: '125050',
    reference: 'INV-00042-Smith-1',
    Invoice: 'INV-00042-Smith-1',
    name: 'Jo Smith',
    readOnlyFields: 'reference,amount',
  });

  it('renders the hosted page with the amount in dollars and a read-only reference', async () => {
    const response = await fetch(`${sandbox.hostedPageUrl('trust')}?${pageQuery}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('$1,250.50');
    expect(html).toMatch(/<form method="post"/);
    expect(html).toMatch(/<input id="amount" name="amount" value="1250.50" readonly/);
    expect(html).toMatch(/<input id="reference" name="reference" value="INV-00042-Smith-1" readonly/);
    expect(html).toMatch(/name="card_number"/);
    expect(html).toMatch(/<button type="submit">/);
    expect(html).toContain('Trust');

    expect((await fetch(`${sandbox.url}/pages/another-firm/operating`)).status).toBe(404);
    expect((await fetch(`${sandbox.url}/pages/sandbox-law/savings`)).status).toBe(404);
    const editable = await (await fetch(`${sandbox.hostedPageUrl('operating')}?reference=X`)).text();
    expect(editable).toMatch(/<input id="amount" name="amount" value="" required/);
  });

  it('turns a submitted form into a COMPLETED charge with the locked amount and reference, its event and webhook', async () => {
    await postJson(`${sandbox.url}/__sandbox/webhooks`, { url: receiver.url });
    const form = new URLSearchParams({
      // A tampered amount and reference must not win over the locked query values.
      amount: '1.00',
      reference: 'something else',
      name: 'Jo Smith',
      card_number: '4242 4242 4242 4242',
      exp_month: '12',
      exp_year: '2030',
      cvv: '123',
    });
    const response = await fetch(`${sandbox.hostedPageUrl('trust')}?${pageQuery}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    const transactionId = /<code id="transaction-id">([^<]+)<\/code>/.exec(html)?.[1];
    expect(transactionId).toBeDefined();

    const { trust } = await accountIds(sandbox);
    const transaction = (await lawPayClient(sandbox).get<LawPayTransaction>(`/v1/transactions/${transactionId}`)).body;
    expect(transaction).toEqual(
      expect.objectContaining({
        type: 'CHARGE',
        status: 'COMPLETED',
        amount: 125_050,
        reference: 'INV-00042-Smith-1',
        account_id: trust,
        method: expect.objectContaining({ number: '************4242', card_type: 'VISA', name: 'Jo Smith' }),
      }),
    );
    await sandbox.webhooksIdle();
    expect(receiver.requests.map((request) => (request.json as LawPayEvent).data.id)).toEqual([transactionId]);
  });

  it('asks again on a bad card and records a declined card as FAILED', async () => {
    const post = (card: string) =>
      fetch(`${sandbox.hostedPageUrl('operating')}?${pageQuery}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          name: 'Jo',
          card_number: card,
          exp_month: '1',
          exp_year: '2030',
          cvv: '1',
        }).toString(),
      });
    const invalid = await post('1234');
    expect(invalid.status).toBe(422);
    expect(await invalid.text()).toContain('valid card number');
    const declined = await post('4000000000000002');
    expect(declined.status).toBe(402);
    const events = await lawPayClient(sandbox).get<Page<LawPayEvent>>('/v1/events');
    expect(events.body.results.map((event) => [event.type, event.data.status])).toEqual([
      ['transaction.failed', 'FAILED'],
    ]);
  });

  it('POST /__sandbox/pay creates a COMPLETED transaction, its event and its webhook', async () => {
    await postJson(`${sandbox.url}/__sandbox/webhooks`, { url: receiver.url });
    const paid = await postJson<{ transaction_id: string; event_id: string }>(`${sandbox.url}/__sandbox/pay`, {
      amount_cents: 50_000,
      reference: 'INV-00007-Doe-2',
    });
    expect(paid.status).toBe(201);
    const client = lawPayClient(sandbox);
    const { operating } = await accountIds(sandbox);
    const transaction = (await client.get<LawPayTransaction>(`/v1/transactions/${paid.body.transaction_id}`)).body;
    expect(transaction).toEqual(
      expect.objectContaining({
        status: 'COMPLETED',
        amount: 50_000,
        reference: 'INV-00007-Doe-2',
        account_id: operating,
      }),
    );
    const events = await client.get<Page<LawPayEvent>>('/v1/events');
    expect(events.body.results).toEqual([
      expect.objectContaining({
        id: paid.body.event_id,
        type: 'transaction.completed',
        data: expect.objectContaining({ id: paid.body.transaction_id }),
      }),
    ]);

    await waitFor(() => receiver.requests.length === 1);
    const delivered = receiver.requests[0]!;
    expect(delivered.json).toEqual(events.body.results[0]);
    expect(delivered.headers['content-type']).toContain('application/json');

    const bad = await postJson<{ error: { message: string } }>(`${sandbox.url}/__sandbox/pay`, {
      amount_cents: 0,
      reference: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('amount_cents');
  });

  it('refund convenience creates a REFUND with charge_id and a transaction.refunded event', async () => {
    const paid = await postJson<{ transaction_id: string }>(`${sandbox.url}/__sandbox/pay`, {
      amount_cents: 9_000,
      reference: 'INV-1',
      account: 'trust',
    });
    const refunded = await postJson<{ transaction_id: string; charge_id: string }>(
      `${sandbox.url}/__sandbox/transactions/${paid.body.transaction_id}/refund`,
      { amount_cents: 1_000 },
    );
    expect(refunded.status).toBe(201);
    const refund = (
      await lawPayClient(sandbox).get<LawPayTransaction>(`/v1/transactions/${refunded.body.transaction_id}`)
    ).body;
    expect(refund).toEqual(
      expect.objectContaining({ type: 'REFUND', amount: 1_000, charge_id: paid.body.transaction_id }),
    );
    const state = await requestJson<{ events: LawPayEvent[] }>(`${sandbox.url}/__sandbox/state`);
    expect(state.body.events.map((event) => event.type)).toEqual(['transaction.completed', 'transaction.refunded']);
  });

  it('retries webhooks that fail, and a dropped webhook is only found by polling events', async () => {
    await postJson(`${sandbox.url}/__sandbox/webhooks`, { url: receiver.url });
    receiverStatus = 503;
    await postJson(`${sandbox.url}/__sandbox/pay`, { amount_cents: 100, reference: 'retry-me' });
    await sandbox.webhooksIdle();
    expect(receiver.requests).toHaveLength(5);

    receiver.requests.length = 0;
    receiverStatus = 200;
    await postJson(`${sandbox.url}/__sandbox/faults`, { webhook_drop_rate: 1 });
    const dropped = await postJson<{ event_id: string }>(`${sandbox.url}/__sandbox/pay`, {
      amount_cents: 200,
      reference: 'dropped',
    });
    await sandbox.webhooksIdle();
    expect(receiver.requests).toHaveLength(0);
    const events = await lawPayClient(sandbox).get<Page<LawPayEvent>>('/v1/events');
    expect(events.body.results.map((event) => event.id)).toContain(dropped.body.event_id);
    const state = await requestJson<{ deliveries: DeliveryLogEntry[] }>(`${sandbox.url}/__sandbox/state`);
    expect(state.body.deliveries.map((delivery) => [delivery.state, delivery.attempts])).toEqual([
      ['failed', 5],
      ['dropped', 0],
    ]);
  });
});
