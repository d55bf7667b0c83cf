/**
 * Reading money movements back from Stripe: one by id (`getTransaction`) and the sweep (`listTransactionsSince`).
 *
 * The sweep lists Events, not PaymentIntents. One `GET /v1/events?types[]=…&created[gte]=…` per 100 items returns
 * successes, failures and refunds together, dated by when they *happened*. Listing PaymentIntents by `created`
 * would miss a PaymentIntent created before the window that succeeds inside it (bank debits settle days later),
 * and every refund of an older charge, and would need a second list for refunds. The cost: Stripe keeps events
 * for 30 days, so a sweep can look back at most that far (its window is hours).
 */
import type Stripe from 'stripe';
import type { Page, Payment } from '../ports';
import { VendorRejectedError, VendorSchemaError } from '../errors';
import { callStripe, isNotFound, VENDOR } from './client';
import {
  CONSUMED_EVENT_TYPES,
  isConsumedEventType,
  paymentFromDispute,
  paymentFromIntent,
  paymentFromRefund,
  referenceOf,
  resolveReferences,
  translateEvent,
  type Translation,
} from './payments';
import {
  check,
  disputeSchema,
  eventSchema,
  listSchema,
  paymentIntentSchema,
  refundSchema,
  type SchemaProblem,
} from './schemas';
import { z } from 'zod';

const schemaError =
  (endpoint: string) =>
  (problem: SchemaProblem): Error =>
    new VendorSchemaError(VENDOR, endpoint, problem.paths, problem.detail);

/** Refund ids: `re_` (cards) and `pyr_` (some other payment methods); disputes `du_` / `dp_`; the rest PaymentIntents. */
const isRefundId = (id: string): boolean => id.startsWith('re_') || id.startsWith('pyr_');
const isDisputeId = (id: string): boolean => id.startsWith('du_') || id.startsWith('dp_');

const expandedIntentMetadata = z.object({
  payment_intent: z.union([z.string(), z.object({ metadata: z.record(z.string(), z.string()).nullish() })]).nullish(),
});

export class StripeTransactions {
  constructor(
    private readonly stripe: Stripe,
    private readonly account: string,
  ) {}

  async getTransaction(transactionId: string): Promise<Payment | null> {
    try {
      if (isDisputeId(transactionId)) return await this.getDispute(transactionId);
      return isRefundId(transactionId) ? await this.getRefund(transactionId) : await this.getIntent(transactionId);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  private async getIntent(id: string): Promise<Payment> {
    const endpoint = 'GET /v1/payment_intents/{id}';
    const raw: unknown = await callStripe('retrieve payment intent', () =>
      this.stripe.paymentIntents.retrieve(id, {}, { stripeAccount: this.account }),
    );
    const pi = check(paymentIntentSchema, raw);
    if (!pi.ok) throw schemaError(endpoint)(pi.problem);
    return paymentFromIntent(pi.value, this.account);
  }

  private async getRefund(id: string): Promise<Payment> {
    const endpoint = 'GET /v1/refunds/{id}';
    // Expanding the PaymentIntent brings its metadata (our reference) in the same call.
    const raw: unknown = await callStripe('retrieve refund', () =>
      this.stripe.refunds.retrieve(id, { expand: ['payment_intent'] }, { stripeAccount: this.account }),
    );
    const refund = check(refundSchema, raw);
    if (!refund.ok) throw schemaError(endpoint)(refund.problem);
    const expanded = check(expandedIntentMetadata, raw);
    if (!expanded.ok) throw schemaError(endpoint)(expanded.problem);
    const pi = expanded.value.payment_intent;
    return paymentFromRefund(
      refund.value,
      this.account,
      typeof pi === 'object' && pi !== null ? referenceOf(pi.metadata) : null,
    );
  }

  private async getDispute(id: string): Promise<Payment> {
    const endpoint = 'GET /v1/disputes/{id}';
    const raw: unknown = await callStripe('retrieve dispute', () =>
      this.stripe.disputes.retrieve(id, {}, { stripeAccount: this.account }),
    );
    const dispute = check(disputeSchema, raw);
    if (!dispute.ok) throw schemaError(endpoint)(dispute.problem);
    const intent = dispute.value.payment_intent;
    const reference = intent ? await this.referenceOfIntent(typeof intent === 'string' ? intent : intent.id) : null;
    return paymentFromDispute(dispute.value, this.account, reference);
  }

  /** Closes an open Checkout Session so it can take no more money (docs/vendors.md §3: `POST /v1/checkout/sessions/{id}/expire`). */
  async expireCheckout(sessionId: string): Promise<void> {
    await callStripe('expire checkout session', () =>
      this.stripe.checkout.sessions.expire(sessionId, {}, { stripeAccount: this.account }),
    );
  }

  /**
   * The reference a refund inherits from its PaymentIntent. Null when the PaymentIntent cannot be read for good
   * (gone, or access revoked): the refund is then parked as unmatched rather than retried forever.
   */
  async referenceOfIntent(paymentIntentId: string): Promise<string | null> {
    try {
      const payment = await this.getIntent(paymentIntentId);
      return payment.reference;
    } catch (err) {
      if (err instanceof VendorRejectedError) return null;
      throw err;
    }
  }

  async listSince(sinceIso: string, cursor: string | null): Promise<Page<Payment>> {
    const sinceMs = Date.parse(sinceIso);
    if (Number.isNaN(sinceMs)) throw new RangeError(`listTransactionsSince: not an ISO-8601 time: ${sinceIso}`);
    const endpoint = 'GET /v1/events';
    const raw: unknown = await callStripe('list events', () =>
      this.stripe.events.list(
        {
          types: [...CONSUMED_EVENT_TYPES],
          created: { gte: Math.floor(sinceMs / 1000) },
          limit: 100,
          ...(cursor ? { starting_after: cursor } : {}),
        },
        { stripeAccount: this.account },
      ),
    );
    const list = check(listSchema, raw);
    if (!list.ok) throw schemaError(endpoint)(list.problem);

    const translations: Translation[] = [];
    let lastId: string | null = null;
    list.value.data.forEach((item, i) => {
      const parsed = check(eventSchema, item, `data[${i}]`);
      if (!parsed.ok) throw schemaError(endpoint)(parsed.problem);
      const event = parsed.value;
      lastId = event.id;
      // Asked on our account, so `account` is ours or absent; anything else is not this firm's money.
      if (event.account && event.account !== this.account) return;
      if (!isConsumedEventType(event.type)) return;
      translations.push(translateEvent(event, this.account, schemaError(endpoint), `data[${i}]`));
    });
    const items = await resolveReferences(translations, (id) => this.referenceOfIntent(id));
    return { items, nextCursor: list.value.has_more ? lastId : null };
  }
}
