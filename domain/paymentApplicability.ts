/**
 * Whether a payment can be applied at all (docs/domain.md §4.6): a firm keeps its books in one currency, and a ledger
 * amount is a positive number of that currency's cents. Anything else is parked for a person, never retried.
 */
export function paymentProblem(
  payment: { amountCents: number; currency: string },
  firmCurrency: string,
): string | null {
  if (payment.currency.toUpperCase() !== firmCurrency.toUpperCase()) {
    return `it is in ${payment.currency.toUpperCase()}, and this firm's books are in ${firmCurrency.toUpperCase()}`;
  }
  if (!Number.isSafeInteger(payment.amountCents) || payment.amountCents <= 0) {
    return `its amount (${payment.amountCents} cents) is not a positive whole number of cents`;
  }
  return null;
}
