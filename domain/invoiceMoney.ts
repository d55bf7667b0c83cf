/**
 * The money of one invoice (docs/domain.md §4.2): the only place that says what is due, what was paid too much, and which
 * status follows from the money. Everything else (the store, the workflow, the pay-link page, the CLI) asks here.
 */
export type InvoiceStatus = 'draft' | 'awaiting_approval' | 'issued' | 'partially_paid' | 'paid' | 'void';

export interface InvoiceMoney {
  status: InvoiceStatus;
  totalCents: number;
  trustAppliedCents: number;
  /** A matter credit (an earlier overpayment, the paid part of a void invoice) applied before trust. */
  creditAppliedCents: number;
  /** Net of the payments ledger for this invoice: charges minus refunds, reversals and disputed funds. */
  paidCents: number;
}

/** What the client still owes: never negative, and nothing on a void invoice. */
export function amountDueCents(money: InvoiceMoney): number {
  if (money.status === 'void') return 0;
  return Math.max(0, money.totalCents - money.trustAppliedCents - money.creditAppliedCents - money.paidCents);
}

/**
 * Money received beyond the total: it becomes a credit on the matter (never moved to trust). On a void invoice
 * everything the client paid, and any credit it had used, goes back to the matter.
 */
export function overpaymentCents(money: InvoiceMoney): number {
  if (money.status === 'void') return Math.max(0, money.paidCents) + money.creditAppliedCents;
  return Math.max(0, money.trustAppliedCents + money.creditAppliedCents + money.paidCents - money.totalCents);
}

/**
 * The status money implies once an invoice is out: paid when nothing is due, partially paid when the client paid
 * something, issued otherwise. Drafts, invoices awaiting approval and void invoices keep their status: money never
 * issues, un-voids or approves an invoice.
 */
export function statusAfterMoney(money: InvoiceMoney): InvoiceStatus {
  if (money.status !== 'issued' && money.status !== 'partially_paid' && money.status !== 'paid') return money.status;
  if (amountDueCents(money) === 0) return 'paid';
  return money.paidCents > 0 ? 'partially_paid' : 'issued';
}

/**
 * What a matter holds as credit, signed: every invoice's overpayment, plus payments held on the matter with no
 * invoice to pay, less the credit applied to its invoices (a void invoice's overpayment gives its used credit back,
 * so it is subtracted for every invoice). Derived from the ledger each time, so a refund of an overpayment lowers the
 * credit by itself. Negative when credit already used has since been refunded: a shortfall the firm must be told of.
 */
export function matterCreditBalanceCents(input: { invoices: InvoiceMoney[]; heldOnMatterCents: number }): number {
  const fromInvoices = input.invoices.reduce((sum, inv) => sum + overpaymentCents(inv) - inv.creditAppliedCents, 0);
  return fromInvoices + input.heldOnMatterCents;
}

/** The credit a matter can give to an invoice: its credit balance, never below zero. */
export function matterCreditCents(input: { invoices: InvoiceMoney[]; heldOnMatterCents: number }): number {
  return Math.max(0, matterCreditBalanceCents(input));
}

/** A new invoice takes the matter's credit first, up to what it owes (docs/domain.md §4.3 comes after: trust covers the rest). */
export function creditToApplyCents(input: {
  matterCreditCents: number;
  totalCents: number;
  trustAppliedCents: number;
}): number {
  return Math.max(0, Math.min(input.matterCreditCents, input.totalCents - input.trustAppliedCents));
}
