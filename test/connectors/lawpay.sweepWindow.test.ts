import { createLawPayProcessor, LawPayProcessor, type LawPayHttp } from '../../connectors/lawpay';
import type { PaymentProcessor } from '../../connectors/ports';
import { sweepLookbackMs } from '../../worker/schedules';
import { startSandboxedLawPay, type SandboxedLawPay } from '../support/sandboxes';

/**
 * The reconciliation sweep is the safety net for a missed webhook (docs/domain.md §4.6: "a missed webhook is
 * found within one sweep interval"). Listing transactions by *creation* date over the last hour alone, a
 * status change of an older transaction (a charge voided later the same day; an eCheck that completes or fails days
 * later) never came back into the window: with that one webhook lost, the store kept the old status.
 */
describe('the LawPay sweep sees a charge voided after its creation window', () => {
  let lawpay: SandboxedLawPay;
  let processor: PaymentProcessor;
  let now = Date.parse('2026-11-02T15:00:00Z');

  beforeAll(async () => {
    lawpay = await startSandboxedLawPay({ clock: () => now });
    processor = createLawPayProcessor({
      apiUrl: lawpay.sandbox.url,
      secretKey: 'sandbox_secret_key',
      paymentPageUrl: lawpay.sandbox.hostedPageUrl('operating'),
    });
  });
  afterAll(async () => {
    await lawpay?.close();
  });

  it('a charge paid at 10:00 and voided at 13:00 is in the 13:10 sweep', async () => {
    const paid = await lawpay.post<{ transaction_id: string }>('/__sandbox/pay', {
      amount_cents: 50_000,
      reference: 'SL-0042-1',
    });
    now += 3 * 3_600_000; // the firm voids the mistaken charge three hours later, before settlement
    const voided = await fetch(`${lawpay.sandbox.url}/v1/transactions/${paid.transaction_id}/void`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('sandbox_secret_key:').toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({}),
    });
    expect(voided.status).toBe(200);
    now += 10 * 60_000;

    // What the scheduled sweep asks for (worker/schedules.ts: max(3 × SWEEP_INTERVAL, 1 h), default interval 10 min).
    const lookback = sweepLookbackMs({ SWEEP_INTERVAL: 10 * 60_000 } as never);
    const sinceIso = new Date(now - lookback).toISOString();
    const seen: Array<{ id: string; status: string }> = [];
    let cursor: string | null = null;
    do {
      const page = await processor.listTransactionsSince(sinceIso, cursor);
      seen.push(...page.items.map((p) => ({ id: p.transactionId, status: p.status })));
      cursor = page.nextCursor;
    } while (cursor);

    expect(seen).toContainEqual({ id: paid.transaction_id, status: 'voided' });
  });
});

describe("the LawPay sweep's events pass, against answers the sandbox does not give", () => {
  const SINCE = '2026-11-02T14:00:00.000Z';
  const transaction = { id: 'txnOld1', created: '2026-10-30T09:00:00Z', type: 'CHARGE', status: 'VOIDED' };
  const answers: Record<string, unknown> = {
    '/v1/merchant': { merchant_accounts: [{ id: 'acct_op', name: 'Operating', trust_account: false }] },
    '/v1/transactions/txnOld1': {
      ...transaction,
      account_id: 'acct_op',
      amount: 50_000,
      currency: 'USD',
      reference: 'SL-0042-1',
    },
    '/v1/events': {
      page: 1,
      page_size: 200,
      total_entries: 5_000,
      results: [
        { id: 'evtMerchant', created: '2026-11-02T14:30:00Z', type: 'merchant.application.approved', data: {} },
        { id: 'evtVoid', created: '2026-11-02T14:20:00Z', type: 'transaction.voided', data: transaction },
        {
          id: 'evtOdd',
          created: '2026-11-02T14:10:00Z',
          type: 'transaction.updated',
          data: { id: 'not a gateway id!' },
        },
        { id: 'evtBefore', created: '2026-11-02T13:00:00Z', type: 'transaction.completed', data: transaction },
      ],
    },
  };
  const calls: string[] = [];
  const http = {
    async request(_method: string, path: string, options: { schema: { parse(v: unknown): unknown } }) {
      calls.push(path);
      return options.schema.parse(answers[path]);
    },
  };
  const processor = new LawPayProcessor(http as unknown as LawPayHttp, 'https://secure.lawpay.com/pages/x');

  it('skips an event it cannot read, and stops paging at the first event older than the window', async () => {
    const page = await processor.listTransactionsSince(SINCE, 'events:1');
    expect(page.items.map((p) => ({ id: p.transactionId, status: p.status }))).toEqual([
      { id: 'txnOld1', status: 'voided' },
    ]);
    expect(page.nextCursor).toBeNull();
    expect(calls.filter((c) => c === '/v1/events')).toHaveLength(1);
  });
});
