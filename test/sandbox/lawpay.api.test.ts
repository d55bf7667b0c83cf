import { startLawPaySandbox } from '../../sandbox';
import type { LawPayEvent, LawPaySandboxHandle, LawPayTransaction } from '../../sandbox';
import type { MerchantBody } from './lawpayHelpers';
import { accountIds, lawPayClient } from './lawpayHelpers';
import { postJson, requestJson } from './support';

type Page<T> = { page: number; page_size: number; total_entries: number; results: T[] };
type Messages = { messages: Array<{ code: string; level: string; message: string }> };

describe('LawPay sandbox: gateway API', () => {
  let sandbox: LawPaySandboxHandle;

  beforeAll(async () => {
    sandbox = await startLawPaySandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    await postJson(`${sandbox.url}/__sandbox/reset`, {});
  });

  it('requires HTTP Basic with the secret key and an empty password', async () => {
    const missing = await requestJson<Messages>(`${sandbox.url}/v1/merchant`);
    expect(missing.status).toBe(401);
    expect(missing.body.messages[0]).toEqual(expect.objectContaining({ code: 'unauthorized', level: 'error' }));
    expect((await lawPayClient(sandbox, 'wrong_key').get('/v1/merchant')).status).toBe(401);
    const withPassword = await requestJson(`${sandbox.url}/v1/merchant`, {
      headers: { authorization: `Basic ${Buffer.from('sandbox_secret_key:pw').toString('base64')}` },
    });
    expect(withPassword.status).toBe(401);
  });

  it('describes the merchant with operating and trust card accounts and an eCheck account', async () => {
    const merchant = await lawPayClient(sandbox).get<MerchantBody>('/v1/merchant');
    expect(merchant.status).toBe(200);
    expect(merchant.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(merchant.body.merchant_accounts).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^acct_op_/),
        name: 'Operating',
        trust_account: false,
        status: 'ACTIVE',
        currency: 'USD',
      }),
      expect.objectContaining({ name: 'Trust', trust_account: true }),
    ]);
    expect(merchant.body.ach_accounts).toHaveLength(1);
  });

  it('charges in integer cents (numeric strings too) and validates account and amount', async () => {
    const { operating } = await accountIds(sandbox);
    const client = lawPayClient(sandbox);
    const charge = await client.post<LawPayTransaction>('/v1/charges', {
      amount: '50000',
      currency: 'USD',
      method: 'tok_one_time',
      account_id: operating,
      reference: 'INV-00001-Smith-1',
    });
    expect(charge.status).toBe(200);
    expect(charge.body).toEqual(
      expect.objectContaining({
        type: 'CHARGE',
        status: 'COMPLETED',
        amount: 50_000,
        currency: 'USD',
        account_id: operating,
        reference: 'INV-00001-Smith-1',
        amount_refunded: 0,
        refunds: [],
        method: expect.objectContaining({ type: 'card', number: '************1111', card_type: 'VISA' }),
      }),
    );
    expect((await client.get<LawPayTransaction>(`/v1/transactions/${charge.body.id}`)).body.id).toBe(charge.body.id);
    expect((await client.get<Messages>('/v1/transactions/nope')).status).toBe(404);

    const noAccount = await client.post<Messages>('/v1/charges', {
      amount: 100,
      method: 'tok',
      account_id: 'acct_missing',
    });
    expect(noAccount.status).toBe(422);
    expect(noAccount.body.messages[0]!.message).toContain('acct_missing');
    const badAmount = await client.post<Messages>('/v1/charges', {
      amount: 12.5,
      method: 'tok',
      account_id: operating,
    });
    expect(badAmount.status).toBe(422);
    expect(badAmount.body.messages[0]!.message).toContain('amount');
    const declined = await client.post<Messages>('/v1/charges', {
      amount: 100,
      account_id: operating,
      method: { type: 'card', number: '4000000000000002', exp_month: 1, exp_year: 2030 },
    });
    expect(declined.status).toBe(422);
    expect(declined.body.messages[0]!.code).toBe('card_declined');
  });

  it('pages transactions with page/page_size/total_entries and filters by reference, account and date', async () => {
    const { operating, trust } = await accountIds(sandbox);
    const client = lawPayClient(sandbox);
    for (let index = 1; index <= 45; index += 1) {
      await client.post('/v1/charges', {
        amount: index * 100,
        method: 'tok',
        account_id: index % 5 === 0 ? trust : operating,
        reference: `INV-${index}`,
      });
    }
    const first = await client.get<Page<LawPayTransaction>>('/v1/transactions');
    expect(first.body).toEqual(expect.objectContaining({ page: 1, page_size: 20, total_entries: 45 }));
    expect(first.body.results).toHaveLength(20);
    const third = await client.get<Page<LawPayTransaction>>('/v1/transactions?page=3&page_size=20');
    expect(third.body.results).toHaveLength(5);
    const all = await client.get<Page<LawPayTransaction>>('/v1/transactions?page_size=200&order_by=created');
    expect(all.body.results.map((t) => t.reference)).toEqual(Array.from({ length: 45 }, (_, i) => `INV-${i + 1}`));
    expect((await client.get('/v1/transactions?page_size=201')).status).toBe(400);

    const byReference = await client.get<Page<LawPayTransaction>>('/v1/transactions?q=INV-4');
    expect(byReference.body.results.map((t) => t.reference).sort()).toEqual([
      'INV-4',
      'INV-40',
      'INV-41',
      'INV-42',
      'INV-43',
      'INV-44',
      'INV-45',
    ]);
    expect((await client.get<Page<LawPayTransaction>>(`/v1/transactions?account_id=${trust}`)).body.total_entries).toBe(
      9,
    );
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10);
    expect(
      (await client.get<Page<LawPayTransaction>>(`/v1/transactions?start_date=${tomorrow}`)).body.total_entries,
    ).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    expect(
      (await client.get<Page<LawPayTransaction>>(`/v1/transactions?start_date=${today}&end_date=${today}`)).body
        .total_entries,
    ).toBe(45);
  });

  it('refunds into a new REFUND transaction with charge_id, never more than was charged; voids', async () => {
    const { operating } = await accountIds(sandbox);
    const client = lawPayClient(sandbox);
    const charge = (
      await client.post<LawPayTransaction>('/v1/charges', {
        amount: 10_000,
        method: 'tok',
        account_id: operating,
        reference: 'INV-9',
      })
    ).body;
    const refund = await client.post<LawPayTransaction>(`/v1/charges/${charge.id}/refund`, {
      amount: 4_000,
      reference: 'partial',
    });
    expect(refund.status).toBe(200);
    expect(refund.body).toEqual(
      expect.objectContaining({ type: 'REFUND', status: 'COMPLETED', amount: 4_000, charge_id: charge.id }),
    );
    const after = (await client.get<LawPayTransaction>(`/v1/transactions/${charge.id}`)).body;
    expect(after.amount_refunded).toBe(4_000);
    expect(after.refunds).toEqual([expect.objectContaining({ id: refund.body.id, amount: 4_000 })]);

    const tooMuch = await client.post<Messages>(`/v1/charges/${charge.id}/refund`, { amount: 6_001 });
    expect(tooMuch.status).toBe(422);
    expect((await client.post<Messages>(`/v1/transactions/${charge.id}/void`, {})).status).toBe(422);

    const voidedRefund = await client.post<LawPayTransaction>(`/v1/transactions/${refund.body.id}/void`, {
      reference: 'oops',
    });
    expect(voidedRefund.body.status).toBe('VOIDED');
    expect((await client.get<LawPayTransaction>(`/v1/transactions/${charge.id}`)).body.amount_refunded).toBe(0);
    const voidedCharge = await client.post<LawPayTransaction>(`/v1/transactions/${charge.id}/void`, {
      reference: 'cancel',
    });
    expect(voidedCharge.body.status).toBe('VOIDED');

    const events = await client.get<Page<LawPayEvent>>('/v1/events?order_by=created');
    expect(events.body.results.map((event) => event.type)).toEqual([
      'transaction.completed',
      'transaction.refunded',
      'transaction.voided',
      'transaction.voided',
    ]);
    expect(events.body.results[1]!.data).toEqual(expect.objectContaining({ id: refund.body.id, charge_id: charge.id }));
  });

  it('rate-limits per secret key with 429 and Retry-After', async () => {
    await postJson(`${sandbox.url}/__sandbox/faults`, { rate_limit_per_minute: 2 });
    const client = lawPayClient(sandbox);
    expect((await client.get('/v1/merchant')).status).toBe(200);
    expect((await client.get('/v1/merchant')).status).toBe(200);
    const limited = await client.get<Messages>('/v1/merchant');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.body.messages[0]!.code).toBe('rate_limited');
  });
});
