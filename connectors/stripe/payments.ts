/**
 * Translation of Stripe objects and events into domain `Payment`s. A charge is the PaymentIntent (its id is the
 * exactly-once key: one PaymentIntent per Checkout Session, however many card attempts it took); a refund is the
 * Refund object, pointing back at its PaymentIntent. Money taken by card is always operating money in matterpay.
 */
import type { Payment, PaymentStatus } from '../ports';
import {
  check,
  disputeSchema,
  expandableId,
  paymentIntentSchema,
  refundSchema,
  type DisputeData,
  type EventData,
  type PaymentIntentData,
  type RefundData,
  type SchemaProblem,
} from './schemas';

/** Metadata keys matterpay writes on every Checkout Session and its PaymentIntent. */
export const REFERENCE_KEY = 'matterpay_reference';
export const INVOICE_KEY = 'matterpay_invoice';

/**
 * The event types matterpay consumes, for webhooks and for the sweep alike. Subscribe the Connect webhook endpoint
 * to exactly these. `refund.*` rather than `charge.refunded`: the Refund object carries its own id (the refund's
 * exactly-once key) and status, while on current API versions a `charge.refunded` Charge no longer embeds its refunds.
 */
export const CONSUMED_EVENT_TYPES = [
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'refund.created',
  'refund.updated',
  'refund.failed',
  'charge.dispute.created',
  'charge.dispute.closed',
] as const;
type ConsumedEventType = (typeof CONSUMED_EVENT_TYPES)[number];

export function isConsumedEventType(type: string): type is ConsumedEventType {
  return (CONSUMED_EVENT_TYPES as readonly string[]).includes(type);
}

const isoFromUnix = (seconds: number): string => new Date(seconds * 1000).toISOString();

export function referenceOf(metadata: Record<string, string> | null | undefined): string | null {
  const value = metadata?.[REFERENCE_KEY];
  return value === undefined || value === '' ? null : value;
}

export function intentStatus(pi: PaymentIntentData): PaymentStatus {
  switch (pi.status) {
    case 'succeeded':
      return 'completed';
    case 'canceled':
      return 'voided';
    // Back to requires_payment_method with an error = the last attempt was declined; without one = never tried.
    case 'requires_payment_method':
      return pi.last_payment_error ? 'failed' : 'pending';
    default:
      return 'pending';
  }
}

export function paymentFromIntent(
  pi: PaymentIntentData,
  account: string,
  override: { status?: PaymentStatus; occurredAt?: string } = {},
): Payment {
  const status = override.status ?? intentStatus(pi);
  const received = pi.amount_received ?? 0;
  return {
    processor: 'stripe',
    transactionId: pi.id,
    kind: 'charge',
    status,
    amountCents: status === 'completed' && received > 0 ? received : pi.amount,
    currency: pi.currency.toUpperCase(),
    reference: referenceOf(pi.metadata),
    accountKind: 'operating',
    occurredAt: override.occurredAt ?? isoFromUnix(pi.created),
    chargeTransactionId: null,
    account,
  };
}

export function refundStatus(status: string | null | undefined): PaymentStatus {
  switch (status) {
    case 'succeeded':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'voided';
    default:
      return 'pending'; // pending, requires_action
  }
}

/** `reference` is the PaymentIntent's, when the caller has it: Stripe does not copy metadata onto refunds. */
export function paymentFromRefund(refund: RefundData, account: string, reference: string | null): Payment {
  return {
    processor: 'stripe',
    transactionId: refund.id,
    kind: 'refund',
    status: refundStatus(refund.status),
    amountCents: refund.amount,
    currency: refund.currency.toUpperCase(),
    reference: referenceOf(refund.metadata) ?? reference,
    accountKind: 'operating',
    occurredAt: isoFromUnix(refund.created),
    chargeTransactionId: expandableId(refund.payment_intent) ?? expandableId(refund.charge),
    account,
  };
}

/**
 * A dispute withdraws the disputed amount while it is open and returns it if the firm wins (domain/paymentEffect.ts).
 * An inquiry (`warning_*`) withdraws nothing, so it moves no money here either: it is pending until it becomes a
 * dispute or closes.
 */
export function disputeStatus(status: string): PaymentStatus {
  if (status === 'won' || status === 'warning_closed') return 'won';
  if (status === 'lost') return 'lost';
  if (status.startsWith('warning_')) return 'pending';
  return 'open';
}

export function paymentFromDispute(dispute: DisputeData, account: string, reference: string | null): Payment {
  return {
    processor: 'stripe',
    transactionId: dispute.id,
    kind: 'dispute',
    status: disputeStatus(dispute.status),
    amountCents: dispute.amount,
    currency: dispute.currency.toUpperCase(),
    reference: referenceOf(dispute.metadata) ?? reference,
    accountKind: 'operating',
    occurredAt: isoFromUnix(dispute.created),
    chargeTransactionId: expandableId(dispute.payment_intent) ?? expandableId(dispute.charge),
    account,
  };
}

export type Translation =
  | { kind: 'ignored'; reason: string }
  /** `referenceFrom`: a refund without a reference, whose PaymentIntent (this id) holds it. */
  | { kind: 'payment'; payment: Payment; referenceFrom: string | null };

/**
 * Translates one consumed event (envelope already validated). The payment's time is the event's: when Stripe
 * recorded the success, failure or refund. A data.object of the wrong shape is reported through `invalid`.
 */
export function translateEvent(
  event: EventData,
  account: string,
  invalid: (problem: SchemaProblem) => Error,
  prefix = '',
): Translation {
  const at = prefix ? `${prefix}.data.object` : 'data.object';
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed': {
      const pi = check(paymentIntentSchema, event.data.object, at);
      if (!pi.ok) throw invalid(pi.problem);
      const status: PaymentStatus = event.type === 'payment_intent.succeeded' ? 'completed' : 'failed';
      return {
        kind: 'payment',
        payment: paymentFromIntent(pi.value, account, { status, occurredAt: isoFromUnix(event.created) }),
        referenceFrom: null,
      };
    }
    case 'refund.created':
    case 'refund.updated':
    case 'refund.failed': {
      const refund = check(refundSchema, event.data.object, at);
      if (!refund.ok) throw invalid(refund.problem);
      const payment = paymentFromRefund(refund.value, account, null);
      return {
        kind: 'payment',
        payment,
        referenceFrom: payment.reference === null ? expandableId(refund.value.payment_intent) : null,
      };
    }
    case 'charge.dispute.created':
    case 'charge.dispute.closed': {
      const dispute = check(disputeSchema, event.data.object, at);
      if (!dispute.ok) throw invalid(dispute.problem);
      const payment = paymentFromDispute(dispute.value, account, null);
      return {
        kind: 'payment',
        payment,
        referenceFrom: payment.reference === null ? expandableId(dispute.value.payment_intent) : null,
      };
    }
    case 'checkout.session.completed':
      return {
        kind: 'ignored',
        reason:
          'checkout.session.completed is not consumed: the PaymentIntent events carry the same reference and ' +
          'fire when money actually moves (a session completes unpaid for delayed payment methods)',
      };
    default:
      return { kind: 'ignored', reason: `event type ${event.type} is not one matterpay consumes` };
  }
}

/**
 * Fills in the reference of refunds from their PaymentIntent: first from charges translated alongside, then by
 * asking `lookup` once per PaymentIntent.
 */
export async function resolveReferences(
  translations: Translation[],
  lookup: (paymentIntentId: string) => Promise<string | null>,
): Promise<Payment[]> {
  const known = new Map<string, Promise<string | null>>();
  for (const t of translations) {
    if (t.kind === 'payment' && t.payment.kind === 'charge' && t.payment.reference !== null) {
      known.set(t.payment.transactionId, Promise.resolve(t.payment.reference));
    }
  }
  const out: Payment[] = [];
  for (const t of translations) {
    if (t.kind !== 'payment') continue;
    if (t.referenceFrom === null) {
      out.push(t.payment);
      continue;
    }
    let reference = known.get(t.referenceFrom);
    if (reference === undefined) {
      reference = lookup(t.referenceFrom);
      known.set(t.referenceFrom, reference);
    }
    out.push({ ...t.payment, reference: await reference });
  }
  return out;
}
