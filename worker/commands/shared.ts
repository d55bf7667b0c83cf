import { InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import { daysPastDue, isOverdue } from '../../domain/dueDates';
import type { InvoiceRecord, InvoiceStatus } from '../../store/invoices';
import type { PayLink, PayLinkStatus } from '../../store/payLinks';
import type { CommandContext } from './context';
import { calendarDaysBetween, iso } from './format';

/** What the admin commands share beyond connections: argument parsing and the JSON shapes of store records. */

export const INVOICE_STATUSES: readonly InvoiceStatus[] = [
  'draft',
  'awaiting_approval',
  'issued',
  'partially_paid',
  'paid',
  'void',
];
export const PAY_LINK_STATUSES: readonly PayLinkStatus[] = ['outstanding', 'paid', 'cancelled', 'expired'];

export const jsonOption = () =>
  new Option('--json', 'machine-readable output: cents as integers, timestamps in ISO 8601 UTC');

/** A commander argument parser backed by a zod schema: a bad value is a usage error that names the argument. */
export function parseWith<T>(schema: z.ZodType<T>): (value: string) => T {
  return (value: string) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'invalid value');
    return parsed.data;
  };
}

export const invoiceNumberArg = z
  .string()
  .trim()
  .min(1, 'an invoice number is required, such as "00042-Smith-3"')
  .max(200, 'an invoice number is at most 200 characters')
  .regex(/^[^\s/]+$/, 'an invoice number has no spaces or slashes, such as "00042-Smith-3"');

export function payLinkUrl(ctx: CommandContext, token: string): string {
  return `${ctx.config.publicBaseUrl}/pay/${token}`;
}

export function daysSinceIssue(invoice: InvoiceRecord, now: Date, timeZone: string): number | null {
  return invoice.issuedAt ? calendarDaysBetween(invoice.issuedAt, now, timeZone) : null;
}

/** Days past the due date when the invoice is overdue (due date passed with a balance), else null. */
export function overdueDays(invoice: InvoiceRecord, now: Date, timeZone: string): number | null {
  const dueAtMs = invoice.dueAt?.getTime() ?? null;
  if (
    invoice.status === 'void' ||
    !isOverdue({ dueAtMs, amountDueCents: invoice.amountDueCents, nowMs: now.getTime(), timeZone })
  )
    return null;
  return daysPastDue(dueAtMs!, now.getTime(), timeZone);
}

export function invoiceJson(invoice: InvoiceRecord, now: Date, timeZone: string) {
  return {
    invoiceNumber: invoice.invoiceNumber,
    matterId: invoice.matterId,
    matterDisplayNumber: invoice.matterDisplayNumber,
    sequence: invoice.sequence,
    kind: invoice.kind,
    period: invoice.period,
    status: invoice.status,
    totalCents: invoice.totalCents,
    trustAppliedCents: invoice.trustAppliedCents,
    creditAppliedCents: invoice.creditAppliedCents,
    paidCents: invoice.paidCents,
    amountDueCents: invoice.amountDueCents,
    overpaymentCents: invoice.overpaymentCents,
    delivery: invoice.delivery,
    dueAt: iso(invoice.dueAt),
    overdue: overdueDays(invoice, now, timeZone) !== null,
    daysPastDue: overdueDays(invoice, now, timeZone) ?? 0,
    issuedAt: iso(invoice.issuedAt),
    daysSinceIssue: daysSinceIssue(invoice, now, timeZone),
    escalated: invoice.escalatedAt !== null,
    escalatedAt: iso(invoice.escalatedAt),
    approvedBy: invoice.approvedBy,
    approvedAt: iso(invoice.approvedAt),
    settledAt: iso(invoice.settledAt),
    voidedAt: iso(invoice.voidedAt),
    createdAt: iso(invoice.createdAt),
  };
}

export function payLinkJson(ctx: CommandContext, link: PayLink) {
  return {
    token: link.token,
    url: payLinkUrl(ctx, link.token),
    invoiceNumber: link.invoiceNumber,
    status: link.status,
    createdAt: iso(link.createdAt),
    expiresAt: iso(link.expiresAt),
    openedCount: link.openedCount,
    lastOpenedAt: iso(link.lastOpenedAt),
  };
}
