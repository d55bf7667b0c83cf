import { balanceAfterPayment } from '../domain/balanceAfterPayment';
import type { InvoiceView } from './invoiceView';
import type { ReceiptView } from './receiptPdf';

/** The receipt of one charge on the invoice, from the invoice's client view; null when it is not on this invoice. */
export function receiptFromInvoiceView(
  view: InvoiceView,
  transactionId: string,
  receivedFrom: string | null = view.billedTo,
): ReceiptView | null {
  const payment = view.payments.find((p) => p.transactionId === transactionId && p.kind === 'charge');
  if (!payment) return null;
  const balanceAfterCents = balanceAfterPayment({
    totalCents: view.totalCents,
    trustAppliedCents: view.trustAppliedCents,
    creditAppliedCents: view.creditAppliedCents,
    transactionId,
    payments: view.payments.map((p) => ({ transactionId: p.transactionId, signedCents: p.amountCents })),
  })!;
  return {
    firmName: view.firmName,
    invoiceNumber: view.invoiceNumber,
    matterDisplayNumber: view.matterDisplayNumber,
    receivedFrom,
    amountCents: payment.amountCents,
    date: payment.date,
    method: payment.method,
    transactionId,
    balanceAfterCents,
  };
}
