import type { InvoiceStatus } from './invoiceMoney';

/**
 * Which invoice a payment pays (docs/domain.md §4.6). Chosen under the matter's lock, from the invoices as they are at that
 * moment, so two payments racing on one legacy reference cannot both pay the same oldest invoice.
 */
export interface CandidateInvoice {
  invoiceNumber: string;
  status: InvoiceStatus;
  issuedAtMs: number | null;
  amountDueCents: number;
}

export type PaymentTarget =
  | { kind: 'invoice'; invoiceNumber: string }
  /** No invoice owes anything: the money is held on the matter as a credit for its next invoice. */
  | { kind: 'matter-credit' }
  /** The reference names an invoice that cannot take money (draft, awaiting approval, void): a person decides. */
  | { kind: 'park'; reason: string };

export function choosePaymentTarget(input: {
  namedInvoice: CandidateInvoice | null;
  matterInvoices: CandidateInvoice[];
}): PaymentTarget {
  const named = input.namedInvoice;
  if (named) {
    if (named.status === 'void') return { kind: 'park', reason: `invoice ${named.invoiceNumber} is void` };
    if (named.status === 'draft' || named.status === 'awaiting_approval') {
      return {
        kind: 'park',
        reason: `invoice ${named.invoiceNumber} is not issued yet (${named.status.replace('_', ' ')})`,
      };
    }
    // A paid invoice still takes the money: the excess becomes a matter credit with an alert (overpayment).
    return { kind: 'invoice', invoiceNumber: named.invoiceNumber };
  }
  const owing = input.matterInvoices
    .filter((inv) => (inv.status === 'issued' || inv.status === 'partially_paid') && inv.amountDueCents > 0)
    .sort((a, b) => (a.issuedAtMs ?? 0) - (b.issuedAtMs ?? 0) || a.invoiceNumber.localeCompare(b.invoiceNumber));
  return owing[0] ? { kind: 'invoice', invoiceNumber: owing[0].invoiceNumber } : { kind: 'matter-credit' };
}
