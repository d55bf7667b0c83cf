import { randomToken } from '../common/randomIds';
import type { LawPayContext } from './context';
import { lawPayError } from './errors';
import type { CardMethod, EventType, GatewayEvent, Transaction } from './state';
import { deliverEvent } from './webhooks';

function recordEvent(ctx: LawPayContext, type: EventType, transaction: Transaction): GatewayEvent {
  const event: GatewayEvent = {
    id: `evt_${randomToken(16)}`,
    created: ctx.nowIso(),
    type,
    data: structuredClone(transaction),
  };
  ctx.state.events.push(event);
  deliverEvent(ctx, event);
  return event;
}

export interface ChargeRequest {
  amount: number;
  account_id: string;
  reference: string | null;
  method: CardMethod;
  /** The card was declined: the attempt is recorded as FAILED with its own event. */
  declined?: boolean;
  /** ISO 4217; an account may settle in another currency than USD. */
  currency?: string;
  /** CREDIT: money paid out (docs/vendors.md §2.4), recorded like a charge with its own type. */
  type?: 'CHARGE' | 'CREDIT';
}

export interface TransactionWithEvent {
  transaction: Transaction;
  event: GatewayEvent;
}

export function createCharge(ctx: LawPayContext, request: ChargeRequest): TransactionWithEvent {
  const now = ctx.nowIso();
  const transaction: Transaction = {
    id: randomToken(16),
    created: now,
    modified: now,
    type: request.type ?? 'CHARGE',
    status: request.declined ? 'FAILED' : 'COMPLETED',
    account_id: request.account_id,
    amount: request.amount,
    currency: request.currency ?? 'USD',
    reference: request.reference,
    amount_refunded: 0,
    refunds: [],
    auto_capture: true,
    authorization_code: request.declined ? null : String(100000 + Math.floor(ctx.options.random() * 900000)),
    failure_code: request.declined ? 'card_declined' : null,
    void_reference: null,
    method: request.method,
    avs_result: 'ADDRESS_AND_POSTAL_CODE',
    cvv_result: 'MATCHED',
  };
  ctx.state.transactions.set(transaction.id, transaction);
  const event = recordEvent(ctx, request.declined ? 'transaction.failed' : 'transaction.completed', transaction);
  return { transaction, event };
}

/** A partial or full refund: a new REFUND transaction, and the charge's amount_refunded grows. */
export function refundCharge(
  ctx: LawPayContext,
  charge: Transaction,
  amount: number | undefined,
  reference: string | null,
): TransactionWithEvent {
  if (charge.type !== 'CHARGE')
    throw lawPayError(422, 'invalid_transaction_type', 'Only a CHARGE can be refunded', { entity_id: charge.id });
  if (charge.status !== 'COMPLETED') {
    throw lawPayError(422, 'invalid_transaction_status', `A ${charge.status} charge cannot be refunded`, {
      entity_id: charge.id,
    });
  }
  const refundable = charge.amount - charge.amount_refunded;
  const refundAmount = amount ?? refundable;
  if (refundAmount <= 0 || refundAmount > refundable) {
    throw lawPayError(422, 'amount_exceeds_refundable', `Refund amount must be between 1 and ${refundable} cents`, {
      context: 'amount',
      entity_id: charge.id,
    });
  }
  const now = ctx.nowIso();
  const refund: Transaction = {
    ...structuredClone(charge),
    id: randomToken(16),
    created: now,
    modified: now,
    type: 'REFUND',
    status: 'COMPLETED',
    amount: refundAmount,
    reference,
    amount_refunded: 0,
    refunds: [],
    charge_id: charge.id,
    authorization_code: null,
    void_reference: null,
  };
  ctx.state.transactions.set(refund.id, refund);
  charge.amount_refunded += refundAmount;
  charge.refunds.push({ id: refund.id, amount: refundAmount, created: now, status: refund.status, reference });
  charge.modified = now;
  return { transaction: refund, event: recordEvent(ctx, 'transaction.refunded', refund) };
}

/** Voids a charge (only without live refunds) or a refund (which gives the amount back to the charge). */
export function voidTransaction(
  ctx: LawPayContext,
  transaction: Transaction,
  reference: string | null,
): TransactionWithEvent {
  if (transaction.status !== 'COMPLETED' && transaction.status !== 'AUTHORIZED') {
    throw lawPayError(422, 'invalid_transaction_status', `A ${transaction.status} transaction cannot be voided`, {
      entity_id: transaction.id,
    });
  }
  if (transaction.type === 'CHARGE' && transaction.refunds.some((refund) => refund.status !== 'VOIDED')) {
    throw lawPayError(422, 'has_refunds', 'A charge with refunds that are not voided cannot be voided', {
      entity_id: transaction.id,
    });
  }
  const now = ctx.nowIso();
  transaction.status = 'VOIDED';
  transaction.void_reference = reference;
  transaction.modified = now;
  const charge = transaction.charge_id === undefined ? undefined : ctx.state.transactions.get(transaction.charge_id);
  if (charge) {
    charge.amount_refunded -= transaction.amount;
    const summary = charge.refunds.find((refund) => refund.id === transaction.id);
    if (summary) summary.status = 'VOIDED';
    charge.modified = now;
  }
  return { transaction, event: recordEvent(ctx, 'transaction.voided', transaction) };
}
