/**
 * Stripe Connect as a `PaymentProcessor` (docs/architecture.md §5, docs/vendors.md §3): every call is made on the firm's connected account
 * with the platform key, Checkout Sessions are created with an idempotency key, webhooks are verified with
 * `stripe.webhooks.constructEvent`. See checkout.ts, transactions.ts and webhooks.ts for the choices made.
 */
import type { PaymentProcessor } from '../ports';
import { createStripeClient, type StripeProcessorOptions } from './client';
import { createCheckout } from './checkout';
import { StripeTransactions } from './transactions';
import { parseStripeWebhook } from './webhooks';

export type { StripeProcessorOptions } from './client';
export { mapStripeError } from './client';
export { CONSUMED_EVENT_TYPES, REFERENCE_KEY, INVOICE_KEY } from './payments';
export { WEBHOOK_TOLERANCE_SECONDS } from './webhooks';

export function createStripeProcessor(options: StripeProcessorOptions): PaymentProcessor {
  if (!options.connectedAccount.startsWith('acct_')) {
    throw new RangeError('Stripe connectedAccount must be a connected account id (acct_…)');
  }
  const stripe = createStripeClient(options);
  const now = options.now ?? Date.now;
  const transactions = new StripeTransactions(stripe, options.connectedAccount);
  const webhookContext = {
    stripe,
    webhookSecret: options.webhookSecret,
    connectedAccount: options.connectedAccount,
    now,
    referenceOfIntent: (id: string) => transactions.referenceOfIntent(id),
  };
  return {
    name: 'stripe',
    checkoutForLink: (request) => createCheckout(stripe, options.connectedAccount, request, now()),
    expireCheckout: (id) => transactions.expireCheckout(id),
    getTransaction: (id) => transactions.getTransaction(id),
    listTransactionsSince: (sinceIso, cursor) => transactions.listSince(sinceIso, cursor),
    parseWebhook: (rawBody, headers) => parseStripeWebhook(webhookContext, rawBody, headers),
  };
}
