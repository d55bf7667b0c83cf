/**
 * What a client sees of one invoice, in one shape, for the pay page and both PDFs: amounts in cents, dates already
 * in the firm's zone, the status in the client's words. Built only from matterpay's store, so opening a page never
 * calls the practice system and shows nothing of any other invoice.
 */
import { clientStatus, type ClientStatus } from '../domain/clientStatus';
import { dateTimeFormat } from '../domain/intlFormats';
import { daysPastDue } from '../domain/dueDates';
import type { InvoiceLine, InvoiceRecord } from '../store/invoices';
import type { LedgerRow } from '../store/payments';
import { processorDisplayName } from '../shared/processors';

export interface InvoiceViewLine {
  date: string | null;
  description: string;
  hours: string | null;
  rateCents: number | null;
  amountCents: number;
}

export interface InvoiceViewPayment {
  transactionId: string;
  date: string;
  kind: 'charge' | 'refund' | 'payout' | 'dispute';
  method: string;
  amountCents: number;
}

export interface InvoiceView {
  firmName: string;
  invoiceNumber: string;
  matterDisplayNumber: string;
  matterDescription: string | null;
  billedTo: string | null;
  issueDate: string | null;
  dueDate: string | null;
  daysPastDue: number;
  status: ClientStatus;
  lines: InvoiceViewLine[];
  totalCents: number;
  trustAppliedCents: number;
  creditAppliedCents: number;
  paidCents: number;
  amountDueCents: number;
  payments: InvoiceViewPayment[];
  message: string | null;
  disclaimer: string | null;
  timeZone: string;
}

/** `Dec 1, 2026`: the firm-local calendar date of an instant, as a client reads it. */
export function clientDate(at: Date | number, timeZone: string): string {
  return dateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'short', day: 'numeric' }).format(at);
}

/** A calendar date (YYYY-MM-DD) as a client reads it; it names a day, so no zone moves it. */
export function clientCalendarDate(date: string): string {
  return clientDate(new Date(`${date}T12:00:00Z`), 'UTC');
}

export function paymentMethod(processor: string): string {
  return `Online payment (${processorDisplayName(processor)})`;
}

export function buildInvoiceView(input: {
  invoice: InvoiceRecord;
  lines: InvoiceLine[];
  payments: LedgerRow[];
  firmName: string;
  defaultMessage: string | null;
  disclaimer: string | null;
  timeZone: string;
  nowMs: number;
  matterDescription?: string | null;
  billedTo?: string | null;
}): InvoiceView {
  const { invoice, timeZone } = input;
  const dueAtMs = invoice.dueAt?.getTime() ?? null;
  return {
    firmName: input.firmName,
    invoiceNumber: invoice.invoiceNumber,
    matterDisplayNumber: invoice.matterDisplayNumber,
    matterDescription: input.matterDescription ?? null,
    billedTo: invoice.recipientName ?? input.billedTo ?? null,
    issueDate: invoice.invoiceDate
      ? clientCalendarDate(invoice.invoiceDate)
      : invoice.issuedAt
        ? clientDate(invoice.issuedAt, timeZone)
        : null,
    dueDate: invoice.dueAt ? clientDate(invoice.dueAt, timeZone) : null,
    daysPastDue: dueAtMs === null || invoice.amountDueCents === 0 ? 0 : daysPastDue(dueAtMs, input.nowMs, timeZone),
    status: clientStatus({
      status: invoice.status,
      paidCents: invoice.paidCents,
      amountDueCents: invoice.amountDueCents,
      dueAtMs,
      nowMs: input.nowMs,
      timeZone,
    }),
    lines: input.lines.map((l) => ({
      date: l.date ? clientCalendarDate(l.date) : null,
      description: l.description,
      hours: l.seconds ? (l.seconds / 3600).toFixed(2) : null,
      rateCents: l.rateCents ?? null,
      amountCents: l.amountCents,
    })),
    totalCents: invoice.totalCents,
    trustAppliedCents: invoice.trustAppliedCents,
    creditAppliedCents: invoice.creditAppliedCents,
    paidCents: invoice.paidCents,
    amountDueCents: invoice.amountDueCents,
    payments: input.payments
      // What counts on the invoice now (domain/paymentEffect.ts): a voided charge shows nothing, a dispute its withdrawal.
      .filter((p) => p.state === 'applied' && p.invoiceNumber === invoice.invoiceNumber && p.effectCents !== 0)
      .map((p) => ({
        transactionId: p.transactionId,
        date: clientDate(p.occurredAt, timeZone),
        kind: p.kind,
        method: paymentMethod(p.processor),
        amountCents: p.effectCents,
      })),
    message: invoice.customMessage ?? input.defaultMessage,
    disclaimer: input.disclaimer,
    timeZone,
  };
}
