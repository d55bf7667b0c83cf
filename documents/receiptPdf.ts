/** The receipt for one applied payment: amount, date, method, invoice, and the balance after it. */
import { formatCents } from '../domain/money';
import { fieldRows, heading, newPdf, paragraph, pdfBytes } from './pdf';

export interface ReceiptView {
  firmName: string;
  invoiceNumber: string;
  matterDisplayNumber: string;
  receivedFrom: string | null;
  amountCents: number;
  date: string;
  method: string;
  transactionId: string;
  balanceAfterCents: number;
}

export function receiptPdfName(invoiceNumber: string, transactionId: string): string {
  return `receipt-${invoiceNumber}-${transactionId.replace(/[^A-Za-z0-9_-]/g, '')}.pdf`;
}

export async function renderReceiptPdf(view: ReceiptView): Promise<Buffer> {
  const doc = newPdf(`Receipt for invoice ${view.invoiceNumber}`, `Payment receipt from ${view.firmName}`);
  heading(doc, view.firmName, 'Payment receipt');
  fieldRows(doc, [
    ['Amount received', formatCents(view.amountCents)],
    ['Date', view.date],
    ['Method', view.method],
    ['Transaction', view.transactionId],
    ['Received from', view.receivedFrom],
    ['Invoice', view.invoiceNumber],
    ['Matter', view.matterDisplayNumber],
    ['Balance after this payment', formatCents(view.balanceAfterCents)],
  ]);
  paragraph(
    doc,
    null,
    view.balanceAfterCents === 0 ? 'Thank you: this invoice is paid in full.' : 'Thank you for your payment.',
  );
  return pdfBytes(doc);
}
