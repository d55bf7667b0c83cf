/**
 * The pages a client or admin may see from the ingress, rendered by Eta from ./templates (autoEscape on: every
 * value is escaped unless a template says otherwise, and none does). No scripts, no external assets.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Eta } from 'eta';
import type { ClientStatus } from '../../domain/clientStatus';
import { formatCents } from '../../domain/money';
import type { InvoiceView } from '../../documents/invoiceView';

const templatesDir = path.join(__dirname, 'templates');
const eta = new Eta({ views: templatesDir, cache: true, autoEscape: true });

export const pageStylesheet = readFileSync(path.join(templatesDir, 'page.css'), 'utf8');

/** A plain page with a title and one message (not found, briefly unavailable, OAuth results). */
export function page(title: string, message: string): string {
  return eta.render('message', { title, message });
}

export type LinkState = 'outstanding' | 'paid' | 'cancelled' | 'expired';

const notices: Record<Exclude<LinkState, 'outstanding'>, { title: string; text: string }> = {
  paid: {
    title: 'This invoice is paid',
    text: 'Thank you: there is nothing left to pay on this invoice. Your receipts are below.',
  },
  cancelled: {
    title: 'This payment link was cancelled',
    text: 'It can no longer be paid. Please contact the firm for a current invoice.',
  },
  expired: {
    title: 'This payment link has expired',
    text: 'It can no longer be paid. Please contact the firm for a new payment link.',
  },
};

const statusClass = (status: ClientStatus) => status.toLowerCase().replace(/\s+/g, '-');

export interface InvoicePageLinks {
  payAction: string | null;
  pdfUrl: string;
  receiptUrl: (transactionId: string) => string;
  processorName: string;
}

/** The hosted invoice page: the whole invoice, and a Pay button only while the link is payable. */
export function invoicePage(view: InvoiceView, state: LinkState, links: InvoicePageLinks): string {
  const payable = state === 'outstanding' && view.amountDueCents > 0;
  const notice = payable ? null : notices[state === 'outstanding' ? 'paid' : state];
  const totals: Array<{ label: string; value: string; strong?: boolean }> = [
    { label: 'Invoice total', value: formatCents(view.totalCents) },
  ];
  if (view.creditAppliedCents > 0)
    totals.push({ label: 'Credit on the matter', value: `−${formatCents(view.creditAppliedCents)}` });
  if (view.trustAppliedCents > 0)
    totals.push({ label: 'Paid from trust', value: `−${formatCents(view.trustAppliedCents)}` });
  if (view.paidCents !== 0) totals.push({ label: 'Payments received', value: `−${formatCents(view.paidCents)}` });
  totals.push({ label: 'Balance due', value: formatCents(view.amountDueCents), strong: true });
  return eta.render('invoice', {
    title: `Invoice ${view.invoiceNumber} from ${view.firmName}`,
    firmName: view.firmName,
    invoiceNumber: view.invoiceNumber,
    statusText:
      view.status === 'Overdue'
        ? `Overdue: ${view.daysPastDue} day${view.daysPastDue === 1 ? '' : 's'} past due`
        : view.status,
    statusClass: statusClass(view.status),
    notice: notice && { kind: state === 'outstanding' ? 'paid' : state, ...notice },
    balanceDue: formatCents(view.amountDueCents),
    dueDate: view.dueDate,
    payAction: payable ? links.payAction : null,
    processorName: links.processorName,
    pdfUrl: links.pdfUrl,
    matter: view.matterDescription
      ? `${view.matterDisplayNumber}: ${view.matterDescription}`
      : view.matterDisplayNumber,
    billedTo: view.billedTo,
    issueDate: view.issueDate ?? '',
    lines: view.lines.map((l) => ({
      date: l.date ?? '',
      description: l.description,
      hours: l.hours ?? '',
      rate: l.rateCents === null ? '' : `${formatCents(l.rateCents)}/h`,
      amount: formatCents(l.amountCents),
    })),
    totals,
    payments: view.payments.map((p) => ({
      date: p.date,
      method: p.kind === 'refund' ? `Refund (${p.method})` : p.method,
      amount: formatCents(p.amountCents),
      receiptUrl: p.kind === 'charge' ? links.receiptUrl(p.transactionId) : null,
    })),
    message: view.message,
    disclaimer: view.disclaimer,
  });
}
