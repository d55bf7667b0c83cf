/**
 * The payment-processor contract, written against the port alone and run against every implementation with its
 * peer (registry.ts): paging to the end, Retry-After, typed errors, webhooks verified (forgeries refused), and
 * checkouts opened once per idempotency key.
 */
import { VendorRejectedError, WebhookVerificationError } from '../../connectors/errors';
import type { CheckoutRequest } from '../../connectors/ports';
import { processorImplementations } from './registry';
import type { ProcessorRig } from './rigs';
import { vendorFaultContract } from './vendorFaults';

describe.each(processorImplementations)('payment-processor contract: $name', (peer) => {
  let rig: ProcessorRig;
  let transactionId: string;
  beforeAll(async () => {
    rig = await peer.start();
    transactionId = await rig.knownTransactionId();
  });
  afterAll(async () => {
    await rig?.stop();
  });
  beforeEach(() => {
    rig.proxy.clear();
    rig.proxy.requests.length = 0;
  });

  it('pages transactions to the end: every one exactly once, over more than one page', async () => {
    const { since, transactionIds } = await rig.seedTransactions();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await rig.processor.listTransactionsSince(since, cursor);
      seen.push(...page.items.map((p) => p.transactionId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    expect(pages).toBeGreaterThan(1);
    for (const id of transactionIds) expect(seen.filter((s) => s === id)).toHaveLength(1);
  });

  describe('vendor faults (getTransaction)', () => {
    vendorFaultContract(
      () => rig,
      (r) => r.processor.getTransaction(transactionId),
    );
  });

  it('accepts a genuine webhook', async () => {
    const genuine = await rig.genuineWebhook();
    const outcome = await rig.processor.parseWebhook(genuine.rawBody, genuine.headers);
    expect(['payment', 'ignored']).toContain(outcome.kind);
  });

  it('refuses a forged webhook: no payment comes of it', async () => {
    const forged = await rig.forgedWebhook();
    const err = await rig.processor.parseWebhook(forged.rawBody, forged.headers).then(
      (outcome) => outcome,
      (e: unknown) => e,
    );
    expect(err instanceof WebhookVerificationError || err instanceof VendorRejectedError).toBe(true);
  });

  it('opens one checkout per idempotency key: a retried request gets the same one', async () => {
    const request: CheckoutRequest = {
      invoiceNumber: 'INV-0007',
      amountCents: 125_000,
      currency: 'USD',
      reference: 'INV-0007',
      idempotencyKey: 'checkout:INV-0007:125000',
      clientEmail: 'client@example.com',
      returnUrl: 'http://127.0.0.1:8787/pay/tok',
    };
    const first = await rig.processor.checkoutForLink(request);
    const retry = await rig.processor.checkoutForLink(request);
    expect(retry.url).toBe(first.url);
    expect(retry.processorCheckoutId).toBe(first.processorCheckoutId);
  });
});
