import net from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { reconciliationStatusQuery } from '../../shared/messages';
import { workflowIds } from '../../shared/workflowIds';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';

/**
 * The unsigned LawPay webhook under abuse (issue 10, finding 2). LawPay signs nothing, so an event is only a hint:
 * the transaction is re-fetched and de-duplicated by (transaction, status); a hint naming no real transaction or no
 * transaction at all leaves nothing behind. The ingress sheds floods (429 per route and firm), bounds the vendor
 * queue (503 + Retry-After, never an unbounded wait) and cuts off slow senders.
 */
describe('LawPay webhooks are hints, and the ingress holds under a flood', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  let ingressUrl: string;
  useBillingHarness(devServerEnvironment, async (started, harness) => {
    env = started;
    h = harness;
    ingressUrl = (await h.startIngress()).url;
  });

  const lawpay = (method: string, pathname: string, body?: unknown) =>
    h.control<Record<string, unknown>>(method, pathname, body, h.lawpay.url);
  const post = (body: unknown, base = ingressUrl) =>
    fetch(`${base}/webhooks/lawpay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const lawPayApiCalls = async () => {
    const counts = ((await lawpay('GET', '/__sandbox/state')) as { request_counts: Record<string, number> })
      .request_counts;
    return Object.entries(counts)
      .filter(([route]) => route.includes('/v1/'))
      .reduce((sum, [, n]) => sum + n, 0);
  };

  async function realPaymentEvent(
    reference: string,
  ): Promise<{ transactionId: string; event: { id: string; type: string; data: { id: string } } }> {
    await lawpay('POST', '/__sandbox/faults', { webhook_drop_rate: 1 }); // the test delivers it
    const paid = await lawpay('POST', '/__sandbox/pay', { amount_cents: 12_300, reference });
    const transactionId = String(paid.transaction_id);
    const response = await fetch(`${h.lawpay.url}/v1/events?page_size=200`, {
      headers: { authorization: `Basic ${Buffer.from('sandbox_secret_key:').toString('base64')}` },
    });
    const { results } = (await response.json()) as {
      results: Array<{ id: string; type: string; data: { id: string } }>;
    };
    return { transactionId, event: results.find((e) => e.data.id === transactionId)! };
  }

  const processedEvents = async () =>
    (await h.database.db.query('SELECT event_id, event_type FROM processed_events ORDER BY received_at')).rows;

  it('records nothing for an event that is not about a transaction, so a real event with the same id is still applied', async () => {
    const { transactionId, event } = await realPaymentEvent('hint-same-id');
    const squatter = await post({ id: event.id, type: 'merchant.updated', data: { id: 'merchant_1' } });
    expect(squatter.status).toBe(200);
    expect(await squatter.json()).toEqual({ status: 'ignored' });
    expect(await processedEvents()).toEqual([]);

    const real = await post(event);
    expect(await real.json()).toEqual({ status: 'accepted' });
    await waitFor(
      async () =>
        (await env.client.workflow
          .getHandle(workflowIds.paymentReconciliation(FIRM, 'lawpay', transactionId))
          .describe()
          .catch(() => null)) !== null,
      { what: 'the reconciliation to start', timeoutMs: 30_000 },
    );
  });

  it('de-duplicates by (transaction, status): a replayed hint costs no API call, and forged ids leave no row', async () => {
    const { transactionId, event } = await realPaymentEvent('hint-replayed');
    const before = await processedEvents();
    expect((await post(event)).status).toBe(200);
    // The reconciliation reads the transaction too (the worker's own calls): count from when it is done.
    const reconciliation = env.client.workflow.getHandle(
      workflowIds.paymentReconciliation(FIRM, 'lawpay', transactionId),
    );
    await waitFor(
      async () =>
        ((await reconciliation.query(reconciliationStatusQuery).catch(() => null))?.state ?? 'pending') !== 'pending',
      { what: 'the reconciliation to decide', timeoutMs: 30_000 },
    );
    const afterFirst = await lawPayApiCalls();
    const replay = await post({ ...event, id: 'evt_chosen_by_sender' });
    expect(await replay.json()).toEqual({ status: 'duplicate' });
    expect(await lawPayApiCalls()).toBe(afterFirst);

    const forged = await post({ id: 'evt_forged', type: 'transaction.completed', data: { id: 'txn_made_up' } });
    expect(forged.status).toBe(401);
    const added = (await processedEvents()).slice(before.length);
    expect(added).toEqual([{ event_id: `transaction/${event.data.id}/completed`, event_type: 'charge.completed' }]);
  });

  it('answers 429 with Retry-After past the per-route, per-firm limit', async () => {
    const limited = await h.startIngress({ env: { WEBHOOK_RATE_LIMIT: '5/1m' } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const response = await post(
        { id: `evt_flood_${i}`, type: 'transaction.completed', data: { id: `txn_flood_${i}` } },
        limited.url,
      );
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('limits pay-link pages per client, telling clients apart behind a trusted proxy', async () => {
    const proxied = await h.startIngress({ env: { PAGE_RATE_LIMIT: '2/1m', INGRESS_TRUST_PROXY: '127.0.0.1' } });
    const open = (client: string) =>
      fetch(`${proxied.url}/pay/unknown-token`, { headers: { 'x-forwarded-for': client } }).then((r) => r.status);
    expect([await open('198.51.100.7'), await open('198.51.100.7'), await open('198.51.100.7')]).toEqual([
      404, 404, 429,
    ]);
    expect(await open('203.0.113.40')).toBe(404); // another client behind the same proxy has its own allowance
  });

  it('answers 503 with Retry-After when the LawPay queue is full, instead of queueing without bound', async () => {
    const tight = await h.startIngress({
      env: { LAWPAY_INGRESS_REQUESTS_PER_MINUTE: '1', INGRESS_VENDOR_QUEUE_LIMIT: '2', INGRESS_VENDOR_WAIT: '1s' },
    });
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post({ id: `evt_q_${i}`, type: 'transaction.completed', data: { id: `txn_q_${i}` } }, tight.url),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(5);
    expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
    expect(responses.find((r) => r.status === 503)!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await processedEvents()).not.toContainEqual(
      expect.objectContaining({ event_id: expect.stringContaining('_q_') }),
    );
  });

  it('sheds load with 503 and Retry-After while the process is overloaded, but still answers its health check', async () => {
    const pressed = await h.startIngress({ env: { INGRESS_MAX_EVENT_LOOP_DELAY: '5ms' } });
    // An overloaded process: the event loop is blocked for a while (what a burst of CPU work does).
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      /* busy */
    }
    const shed = await waitFor(
      async () => {
        const response = await post(
          { id: 'evt_pressure', type: 'transaction.completed', data: { id: 'txn_pressure' } },
          pressed.url,
        );
        return response.status === 503 ? response : null;
      },
      { what: 'a shed request', timeoutMs: 5_000, everyMs: 20 },
    );
    expect(shed.headers.get('retry-after')).toBe('10');
    expect(await shed.json()).toEqual({ error: 'the ingress is overloaded; please retry' });
    expect((await fetch(`${pressed.url}/healthz`)).status).toBe(200);
  });

  it('cuts off a sender that never finishes its headers', async () => {
    const strict = await h.startIngress({ env: { INGRESS_HEADERS_TIMEOUT: '1s' } });
    const { port } = new URL(strict.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
    });
    const closed = new Promise<boolean>((resolve) => {
      socket.on('close', () => resolve(true));
      setTimeout(() => resolve(false), 8_000);
    });
    socket.write('POST /webhooks/lawpay HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n');
    const wasClosed = await closed;
    socket.destroy();
    expect({ closedByServer: wasClosed, answer: answer.split('\r\n')[0] ?? '' }).toEqual({
      closedByServer: true,
      answer: 'HTTP/1.1 408 Request Timeout',
    });
  });
});
