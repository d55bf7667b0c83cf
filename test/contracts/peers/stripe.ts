import Stripe from 'stripe';
import { createStripeProcessor } from '../../../connectors/stripe';
import { startStripeMock } from '../../support/stripe-mock';
import { startFaultProxy, type ProxiedRequest } from '../faultProxy';
import type { Peer, ProcessorRig } from '../rigs';

const ACCOUNT = 'acct_1ContractFirm';
const WEBHOOK_SECRET = 'whsec_contract';
/** Stripe lists 100 events a page: this many makes three pages. */
const SEEDED = 250;

const intent = (id: string, created: number) => ({
  id,
  object: 'payment_intent',
  amount: 10_000,
  amount_received: 10_000,
  currency: 'usd',
  status: 'succeeded',
  created,
  last_payment_error: null,
  metadata: { matterpay_reference: `INV-${id}`, matterpay_invoice: `INV-${id}` },
});
const event = (id: string, object: unknown, created: number) => ({
  id,
  object: 'event',
  api_version: '2026-10-28.endive',
  created,
  livemode: false,
  pending_webhooks: 1,
  request: { id: null, idempotency_key: null },
  account: ACCOUNT,
  type: 'payment_intent.succeeded',
  data: { object },
});

/**
 * The Stripe connector against stripe-mock, behind the fault proxy. stripe-mock is stateless and lists one fixture,
 * so the proxy serves the event pages (newest first, `starting_after` as Stripe pages) that paging needs.
 */
export const stripePeer: Peer<ProcessorRig> = {
  name: 'Stripe connector + stripe-mock behind a fault proxy',
  async start() {
    const mock = await startStripeMock();
    const proxy = await startFaultProxy(`http://${mock.host}:${mock.port}`, { idempotencyHeader: 'Idempotency-Key' });
    const processor = createStripeProcessor({
      secretKey: 'sk_test_123',
      webhookSecret: WEBHOOK_SECRET,
      connectedAccount: ACCOUNT,
      apiHost: { host: proxy.host, port: proxy.port, protocol: 'http' },
      timeoutMs: 1_000,
    });
    const signer = new Stripe('sk_test_123');
    const now = Math.floor(Date.now() / 1000);
    const signed = (payload: string, secret: string) => ({
      rawBody: Buffer.from(payload),
      headers: {
        'stripe-signature': signer.webhooks.generateTestHeaderString({
          payload,
          secret,
          timestamp: Math.floor(Date.now() / 1000),
        }),
      },
    });
    return {
      processor,
      proxy,
      isApiCall: (request) => request.path.startsWith('/v1/'),
      errorBody: (status) => ({
        error: { type: status >= 500 ? 'api_error' : 'invalid_request_error', message: `simulated ${status}` },
      }),
      seedTransactions: async () => {
        const events = Array.from({ length: SEEDED }, (_, i) =>
          event(`evt_c${SEEDED - i}`, intent(`pi_c${SEEDED - i}`, now - i), now - i),
        );
        const pages = (request: ProxiedRequest) => {
          if (request.path !== '/v1/events') return undefined;
          const after = request.query.get('starting_after');
          const start = after ? events.findIndex((e) => e.id === after) + 1 : 0;
          const data = events.slice(start, start + 100);
          return {
            status: 200,
            body: { object: 'list', url: '/v1/events', has_more: start + 100 < events.length, data },
          };
        };
        proxy.inject(pages);
        return {
          since: new Date((now - SEEDED - 60) * 1000).toISOString(),
          transactionIds: events.map((e) => (e.data.object as { id: string }).id),
        };
      },
      knownTransactionId: async () => 'pi_123',
      genuineWebhook: async () =>
        signed(JSON.stringify(event('evt_hook1', intent('pi_hook1', now), now)), WEBHOOK_SECRET),
      forgedWebhook: async () =>
        signed(JSON.stringify(event('evt_forged1', intent('pi_forged1', now), now)), 'whsec_someone_else'),
      stop: async () => {
        await proxy.stop();
        await mock.stop();
      },
    };
  },
};
