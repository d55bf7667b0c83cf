import { stringify } from 'csv-stringify/sync';
import type { InvoiceRecord } from '../../store/invoices';
import type { PayLink } from '../../store/payLinks';
import type { CommandContext } from './context';
import { day } from './format';
import { overdueDays, payLinkUrl } from './shared';

const cents = (value: number) => (value / 100).toFixed(2);

/**
 * `matterpay links --csv`: one row per sent link with its state (outstanding, paid, cancelled, expired), amounts as
 * plain decimals and dates on the firm's calendar, so a spreadsheet sorts and sums them as they are.
 */
export function sentLinksCsv(ctx: CommandContext, links: PayLink[], invoices: InvoiceRecord[]): string {
  const byNumber = new Map(invoices.map((i) => [i.invoiceNumber, i]));
  const now = new Date();
  return stringify([
    [
      'invoice_number',
      'matter',
      'recipient_name',
      'recipient_email',
      'link_status',
      'invoice_status',
      'total',
      'paid',
      'amount_due',
      'due_date',
      'overdue_days',
      'sent_on',
      'expires_on',
      'times_opened',
      'last_opened',
      'url',
    ],
    ...links.map((link) => {
      const invoice = byNumber.get(link.invoiceNumber);
      const overdue = invoice ? overdueDays(invoice, now, ctx.timeZone) : null;
      return [
        link.invoiceNumber,
        invoice?.matterDisplayNumber ?? '',
        invoice?.recipientName ?? '',
        invoice?.recipientEmail ?? '',
        link.status,
        invoice?.status ?? '',
        invoice ? cents(invoice.totalCents) : '',
        invoice ? cents(invoice.paidCents) : '',
        invoice ? cents(invoice.amountDueCents) : '',
        day(invoice?.dueAt, ctx.timeZone),
        overdue === null ? '' : String(overdue),
        day(link.createdAt, ctx.timeZone),
        day(link.expiresAt, ctx.timeZone),
        String(link.openedCount),
        day(link.lastOpenedAt, ctx.timeZone),
        payLinkUrl(ctx, link.token),
      ];
    }),
  ]);
}
