/**
 * After the money moved (the payment is applied in the ledger): the client's receipt with its PDF, and the staff
 * notice that money arrived. Each once per payment: the mail's idempotency key names the payment, and the mail
 * port records the message by that key before sending, so a retried activity or a replayed workflow sends
 * nothing twice.
 */
import { isDeliverableEmail } from '../domain/deliverableEmail';
import type { Payment } from '../connectors/ports';
import { formatCents } from '../domain/money';
import { loadInvoiceView } from '../documents/loadInvoiceView';
import { receiptPdfName, renderReceiptPdf } from '../documents/receiptPdf';
import { receiptFromInvoiceView } from '../documents/receiptView';
import { AlertRepository } from '../store/alerts';
import { InvoiceRepository } from '../store/invoices';
import { clientFacingOf, type ActivityDeps } from './deps';

export type ReceiptOutcome = 'sent' | 'no invoice' | 'no email' | 'firm sends it' | 'needs the practice system';

const paymentKey = (firmId: string, p: Payment) => `${firmId}/payment/${p.processor}/${p.transactionId}/${p.kind}`;

export function receiptActivities(deps: ActivityDeps) {
  const invoices = new InvoiceRepository(deps.db);
  const alerts = new AlertRepository(deps.db);

  /** The money stays applied; the firm is told which receipt did not go out, and why, so someone sends it by hand. */
  const holdReceipt = (firmId: string, payment: Payment, invoiceNumber: string, reason: string) =>
    alerts.raise(
      firmId,
      'receipt-held',
      `${payment.processor}/${payment.transactionId}`,
      `The receipt for ${formatCents(payment.amountCents)} on invoice ${invoiceNumber} was not emailed: ${reason}. The payment is applied. Send it by hand.`,
    );

  return {
    /** The receipt email to the client, with the receipt PDF (amount, date, method, invoice, balance after). */
    async sendPaymentReceipt(input: {
      firmId: string;
      payment: Payment;
      invoiceNumber: string;
      /**
       * False inside the payment's workflow task (a local activity): a receipt that must read the practice system for
       * the client's address answers 'needs the practice system' at once instead of waiting on its rate limit there,
       * and the workflow sends it as an activity of its own (README, *What is not done yet*).
       */
      mayReadPracticeSystem?: boolean;
    }): Promise<ReceiptOutcome> {
      const { firmId, payment } = input;
      const firm = deps.firm(firmId);
      const invoice = await invoices.get(firmId, input.invoiceNumber);
      if (!invoice || payment.kind !== 'charge') return 'no invoice';
      if (!invoice.sendEmail) return 'firm sends it';
      // To whoever received the invoice's email, or the address the firm gave for it; the practice system is read
      // only for an invoice with neither.
      const known = invoice.emailedToEmail
        ? { email: invoice.emailedToEmail, name: invoice.emailedToName }
        : invoice.recipientEmail
          ? { email: invoice.recipientEmail, name: invoice.recipientName }
          : null;
      if (!known && input.mayReadPracticeSystem === false) return 'needs the practice system';
      const client = known ?? (await firm.practice.getMatter(invoice.matterId)).client;
      const to = invoice.recipientEmail ?? client.email;
      const receivedFrom = invoice.recipientName ?? client.name;
      if (!to || !isDeliverableEmail(to)) {
        await holdReceipt(firmId, payment, invoice.invoiceNumber, 'the client has no valid email address');
        return 'no email';
      }
      const view = await loadInvoiceView(deps.db, {
        firmId,
        invoiceNumber: invoice.invoiceNumber,
        clientFacing: clientFacingOf(firm),
        timeZone: firm.timeZone,
        invoice,
      });
      const receipt = view && receiptFromInvoiceView(view, payment.transactionId, receivedFrom);
      if (!receipt) return 'no invoice';
      const firmName = receipt.firmName;
      const text = [
        `Dear ${receivedFrom},`,
        '',
        `Thank you: ${firmName} received your payment of ${formatCents(receipt.amountCents)} on ${receipt.date} for invoice ${receipt.invoiceNumber}.`,
        '',
        `Method: ${receipt.method}`,
        `Transaction: ${receipt.transactionId}`,
        `Balance after this payment: ${formatCents(receipt.balanceAfterCents)}`,
        '',
        'Your receipt is attached as a PDF. Keep it for your records.',
      ].join('\n');
      await firm.mailer.send({
        to,
        subject: `Receipt: ${formatCents(receipt.amountCents)} received on invoice ${receipt.invoiceNumber}`,
        text,
        attachments: [
          {
            filename: receiptPdfName(receipt.invoiceNumber, receipt.transactionId),
            contentType: 'application/pdf',
            content: await renderReceiptPdf(receipt),
          },
        ],
        idempotencyKey: `${paymentKey(firmId, payment)}/receipt`,
      });
      return 'sent';
    },

    /** The receipt could not be sent for good (its client's matter gone from the practice system, hours of outage). */
    async holdPaymentReceipt(input: {
      firmId: string;
      payment: Payment;
      invoiceNumber: string;
      reason: string;
    }): Promise<'held'> {
      await holdReceipt(input.firmId, input.payment, input.invoiceNumber, input.reason);
      return 'held';
    },

    /** The staff notice was refused for good by the mail server: the firm learns of the payment from the alert. */
    async holdStaffNotice(input: {
      firmId: string;
      payment: Payment;
      invoiceNumber: string | null;
      matterId: string;
      reason: string;
    }): Promise<'held'> {
      const { firmId, payment } = input;
      const what = payment.kind === 'refund' ? 'refunded' : 'received';
      const on = input.invoiceNumber ? `invoice ${input.invoiceNumber}` : `matter ${input.matterId}`;
      await alerts.raise(
        firmId,
        'staff-notice-held',
        `${payment.processor}/${payment.transactionId}/${payment.kind}`,
        `The staff notice of ${formatCents(payment.amountCents)} ${what} on ${on} was not emailed to ${deps.firm(firmId).staffEmail ?? 'staff'}: ${input.reason}. The payment is applied.`,
      );
      return 'held';
    },

    /** "$450.00 received on invoice 00001-Smith-1, balance $200.00", to STAFF_EMAIL. */
    async notifyStaffOfPayment(input: {
      firmId: string;
      payment: Payment;
      invoiceNumber: string | null;
      matterId: string;
      amountDueCentsAfter: number;
    }): Promise<'sent' | 'no staff email'> {
      const { firmId, payment } = input;
      const firm = deps.firm(firmId);
      if (!firm.staffEmail) return 'no staff email';
      const what = payment.kind === 'refund' ? 'refunded' : 'received';
      const on = input.invoiceNumber
        ? `invoice ${input.invoiceNumber}`
        : `matter ${input.matterId} (no open invoice: held as a credit)`;
      const headline = `${formatCents(payment.amountCents)} ${what} on ${on}${input.invoiceNumber ? `, balance ${formatCents(input.amountDueCentsAfter)}` : ''}`;
      await firm.mailer.send({
        to: firm.staffEmail,
        subject: headline,
        text: `${headline}.\n\nProcessor: ${payment.processor}, transaction ${payment.transactionId}, ${payment.occurredAt}.\n`,
        idempotencyKey: `${paymentKey(firmId, payment)}/staff`,
      });
      return 'sent';
    },
  };
}
