import { createLawPayProcessor } from '../../../connectors/lawpay';
import { startSandboxedLawPay } from '../../support/sandboxes';
import { startFaultProxy } from '../faultProxy';
import type { Peer, ProcessorRig } from '../rigs';

/** LawPay lists 200 transactions a page: this many makes two pages. */
const SEEDED = 230;

/** The LawPay connector against the LawPay-style sandbox, through the fault proxy. */
export const lawPayPeer: Peer<ProcessorRig> = {
  name: 'LawPay connector + LawPay-style sandbox',
  async start() {
    const lawpay = await startSandboxedLawPay();
    const proxy = await startFaultProxy(lawpay.sandbox.url);
    const processor = createLawPayProcessor({
      apiUrl: proxy.url,
      secretKey: 'sandbox_secret_key',
      paymentPageUrl: lawpay.sandbox.hostedPageUrl('operating'),
      timeoutMs: 1_000,
    });
    const pay = (reference: string) =>
      lawpay.post<{ transaction_id: string; event_id: string }>('/__sandbox/pay', { amount_cents: 10_000, reference });
    return {
      processor,
      proxy,
      isApiCall: (request) => request.path.startsWith('/v1/'),
      errorBody: (status) => ({ messages: [{ code: String(status), message: `simulated ${status}` }] }),
      seedTransactions: async () => {
        const since = new Date(Date.now() - 1_000).toISOString();
        const transactionIds: string[] = [];
        for (let i = 0; i < SEEDED; i += 1) transactionIds.push((await pay(`INV-${i}`)).transaction_id);
        return { since, transactionIds };
      },
      knownTransactionId: async () => (await pay('INV-known')).transaction_id,
      genuineWebhook: async () => {
        const paid = await pay('INV-hook');
        return {
          rawBody: Buffer.from(
            JSON.stringify({ id: paid.event_id, type: 'transaction.completed', data: { id: paid.transaction_id } }),
          ),
          headers: {},
        };
      },
      // LawPay signs nothing: a forgery is an event about a transaction LawPay never made.
      forgedWebhook: async () => ({
        rawBody: Buffer.from(
          JSON.stringify({ id: 'evt_forged1', type: 'transaction.completed', data: { id: 'txn_forged00000000' } }),
        ),
        headers: {},
      }),
      stop: async () => {
        await proxy.stop();
        await lawpay.close();
      },
    };
  },
};
