import { amountDueCents } from './invoiceMoney';

/**
 * A receipt's "balance after this payment": the invoice total, less trust applied, less every payment up to and
 * including this one in the order they happened (a refund counts negative, raising the balance again). Never
 * below zero, as an invoice's amount due never is.
 */
export function balanceAfterPayment(input: {
  totalCents: number;
  trustAppliedCents: number;
  /** Matter credit applied before trust (domain/invoiceMoney.ts). */
  creditAppliedCents?: number;
  /** Applied payments in the order they happened; refunds negative. */
  payments: Array<{ transactionId: string; signedCents: number }>;
  transactionId: string;
}): number | null {
  let paidCents = 0;
  for (const payment of input.payments) {
    paidCents += payment.signedCents;
    if (payment.transactionId === input.transactionId) {
      return amountDueCents({
        status: 'issued',
        totalCents: input.totalCents,
        trustAppliedCents: input.trustAppliedCents,
        creditAppliedCents: input.creditAppliedCents ?? 0,
        paidCents,
      });
    }
  }
  return null;
}
