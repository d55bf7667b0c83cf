/** The invoice as a PDF (downloadable from the pay page, attached to the invoice email). */
import { formatCents } from '../domain/money';
import type { InvoiceView } from './invoiceView';
import { fieldRows, heading, newPdf, paragraph, pdfBytes, table, totals } from './pdf';

export function invoicePdfName(invoiceNumber: string): string {
  return `invoice-${invoiceNumber}.pdf`;
}

export async function renderInvoicePdf(
  view: InvoiceView,
  options: { payLinkUrl?: string | null } = {},
): Promise<Buffer> {
  const doc = newPdf(`Invoice ${view.invoiceNumber}`, `Invoice ${view.invoiceNumber} from ${view.firmName}`);
  heading(doc, view.firmName, `Invoice ${view.invoiceNumber}`);
  fieldRows(doc, [
    [
      'Matter',
      view.matterDescription ? `${view.matterDisplayNumber}: ${view.matterDescription}` : view.matterDisplayNumber,
    ],
    ['Billed to', view.billedTo],
    ['Issue date', view.issueDate],
    ['Due date', view.dueDate ?? 'on receipt'],
    [
      'Status',
      view.status === 'Overdue'
        ? `Overdue (${view.daysPastDue} day${view.daysPastDue === 1 ? '' : 's'} past due)`
        : view.status,
    ],
  ]);
  table(
    doc,
    [
      { header: 'Date', width: 80 },
      { header: 'Description', width: 200 },
      { header: 'Hours', width: 50, align: 'right' },
      { header: 'Rate', width: 70, align: 'right' },
      { header: 'Amount', width: 100, align: 'right' },
    ],
    view.lines.map((l) => [
      l.date ?? '',
      l.description,
      l.hours ?? '',
      l.rateCents === null ? '' : formatCents(l.rateCents),
      formatCents(l.amountCents),
    ]),
  );
  totals(doc, [
    ['Invoice total', formatCents(view.totalCents)],
    ...(view.creditAppliedCents > 0
      ? [['Credit on the matter', `-${formatCents(view.creditAppliedCents)}`] as [string, string]]
      : []),
    ...(view.trustAppliedCents > 0
      ? [['Paid from trust', `-${formatCents(view.trustAppliedCents)}`] as [string, string]]
      : []),
    ...(view.paidCents !== 0 ? [['Payments received', `-${formatCents(view.paidCents)}`] as [string, string]] : []),
    ['Balance due', formatCents(view.amountDueCents), true],
  ]);
  if (view.payments.length > 0) {
    table(
      doc,
      [
        { header: 'Payment date', width: 120 },
        { header: 'Method', width: 280 },
        { header: 'Amount', width: 100, align: 'right' },
      ],
      view.payments.map((p) => [
        p.date,
        p.kind === 'refund' ? `Refund (${p.method})` : p.method,
        formatCents(p.amountCents),
      ]),
    );
  }
  if (options.payLinkUrl && view.amountDueCents > 0) paragraph(doc, 'Pay online', options.payLinkUrl);
  if (view.message) paragraph(doc, null, view.message);
  if (view.disclaimer) paragraph(doc, null, view.disclaimer);
  return pdfBytes(doc);
}
