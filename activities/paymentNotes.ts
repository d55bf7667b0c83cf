import { formatCents } from '../domain/money';
import type { Payment } from '../connectors/ports';

export interface PaymentNote {
  key: string;
  subject: string;
  detail: string;
}

/**
 * The note on the matter for one state of one transaction: each state gets its own key, so a charge that is paid,
 * then voided, carries both facts, each written once. The keys of a completed charge and refund are the ones
 * matterpay has always used, so notes written before this rule are not repeated.
 */
export function paymentNote(
  payment: Payment,
  target: { invoiceNumber: string | null; amountDueCentsAfter: number },
): PaymentNote | null {
  const base = `payment/${payment.processor}/${payment.transactionId}/${payment.kind}`;
  const amount = formatCents(payment.amountCents);
  const via = `via ${payment.processor} (transaction ${payment.transactionId})`;
  const on = target.invoiceNumber
    ? `invoice ${target.invoiceNumber}`
    : 'the matter (no open invoice: held as a credit)';
  const balance = target.invoiceNumber ? ` Balance due now ${formatCents(target.amountDueCentsAfter)}.` : '';
  switch (`${payment.kind}:${payment.status}`) {
    case 'charge:completed':
      return {
        key: base,
        subject: `Payment received: ${amount}`,
        detail: `Payment of ${amount} ${via} applied to ${on}.${balance}`,
      };
    case 'refund:completed':
      return {
        key: base,
        subject: `Refund issued: ${amount}`,
        detail: `Refund of ${amount} ${via} applied to ${on}.${balance}`,
      };
    case 'charge:voided':
      return {
        key: `${base}/voided`,
        subject: `Payment voided: ${amount}`,
        detail: `The payment of ${amount} ${via} was voided at the processor and no longer counts on ${on}.${balance}`,
      };
    case 'refund:voided':
      return {
        key: `${base}/voided`,
        subject: `Refund voided: ${amount}`,
        detail: `The refund of ${amount} ${via} was voided at the processor: the money counts on ${on} again.${balance}`,
      };
    case 'charge:failed':
      return {
        key: `${base}/failed`,
        subject: `Payment failed: ${amount}`,
        detail: `A payment of ${amount} ${via} for ${on} failed and was not applied.`,
      };
    case 'dispute:open':
      return {
        key: `${base}/open`,
        subject: `Payment disputed: ${amount}`,
        detail: `The client disputed ${amount} ${via}; the processor withdrew the funds from ${on}.${balance}`,
      };
    case 'dispute:won':
      return {
        key: `${base}/won`,
        subject: `Dispute won: ${amount}`,
        detail: `The dispute of ${amount} ${via} was decided for the firm: the money counts on ${on} again.${balance}`,
      };
    case 'dispute:lost':
      return {
        key: `${base}/lost`,
        subject: `Dispute lost: ${amount}`,
        detail: `The dispute of ${amount} ${via} was decided for the client: the funds stay withdrawn from ${on}.${balance}`,
      };
    case 'payout:completed':
      return {
        key: base,
        subject: `Money paid out: ${amount}`,
        detail: `${amount} was paid out from the firm's account ${via}. It is not a client payment and was not applied to any invoice.`,
      };
    default:
      return null;
  }
}
