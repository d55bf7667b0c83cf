/**
 * A receipt's "balance after this payment": the invoice total, less trust applied, less every payment up to and
 * including this one in the order they happened (a refund counts negative, raising the balance again). Never
 * below zero, as an invoice's amount due never is.
 */
export function balanceAfterPayment(input: {
  totalCents: number;
  trustAppliedCents: number;
  /** Applied payments in the order they happened; refunds negative. */
  payments: Array<{ transactionId: string; signedCents: number }>;
  transactionId: string;
}): number | null {
  let balance = input.totalCents - input.trustAppliedCents;
  for (const payment of input.payments) {
    balance -= payment.signedCents;
    if (payment.transactionId === input.transactionId) return Math.max(0, balance);
  }
  return null;
}
