import { Option, type Command } from 'commander';
import { daysPastDue, DUE_BUCKETS, dueBucketOf } from '../../domain/dueDates';
import { InvoiceRepository, type InvoiceRecord } from '../../store/invoices';
import { commandAction, type CommandContext } from './context';
import { calendarDaysBetween, day, iso, money, table } from './format';
import { jsonOption } from './shared';

/**
 * `matterpay aging` (docs/architecture.md §8): accounts receivable by days since issue, on the firm's calendar. Counts every
 * issued invoice not yet paid (issued or partially paid) and what is still due on it after trust and payments.
 */
export function registerAgingCommand(program: Command): void {
  program
    .command('aging')
    .description(
      'accounts-receivable aging of unpaid issued invoices: by days since issue (0–7, 8–14, 15–30, 31–60, 60+), or --by due: days past due (current, 1–30, 31–60, 61–90, 91+)',
    )
    .addOption(
      new Option('--by <basis>', 'age by days since issue, or by days past the due date')
        .choices(['issue', 'due'])
        .default('issue'),
    )
    .addOption(jsonOption())
    .action(commandAction(aging));
}

export interface AgingBucket {
  label: string;
  minDays: number;
  /** Inclusive; null = no upper bound. */
  maxDays: number | null;
}

export const AGING_BUCKETS: readonly AgingBucket[] = [
  { label: '0–7', minDays: 0, maxDays: 7 },
  { label: '8–14', minDays: 8, maxDays: 14 },
  { label: '15–30', minDays: 15, maxDays: 30 },
  { label: '31–60', minDays: 31, maxDays: 60 },
  { label: '60+', minDays: 61, maxDays: null },
];

export function bucketOf(days: number): AgingBucket {
  return AGING_BUCKETS.find((b) => days >= b.minDays && (b.maxDays === null || days <= b.maxDays))!;
}

export interface AgingReport {
  asOf: Date;
  buckets: Array<AgingBucket & { count: number; amountDueCents: number; invoices: string[] }>;
  total: { count: number; amountDueCents: number };
}

export function agingReport(invoices: InvoiceRecord[], now: Date, timeZone: string): AgingReport {
  const buckets = AGING_BUCKETS.map((b) => ({ ...b, count: 0, amountDueCents: 0, invoices: [] as string[] }));
  for (const invoice of invoices) {
    // An unpaid invoice is issued by definition; one without an issue time (never expected) counts as issued today.
    const days = invoice.issuedAt ? calendarDaysBetween(invoice.issuedAt, now, timeZone) : 0;
    const bucket = buckets.find((b) => b.label === bucketOf(days).label)!;
    bucket.count += 1;
    bucket.amountDueCents += invoice.amountDueCents;
    bucket.invoices.push(invoice.invoiceNumber);
  }
  return {
    asOf: now,
    buckets,
    total: { count: invoices.length, amountDueCents: buckets.reduce((sum, b) => sum + b.amountDueCents, 0) },
  };
}

/**
 * Conventional aging by days past due: `current` is not yet past its due date. An invoice without a due date (never
 * expected once issued) counts as current.
 */
export function dueAgingReport(invoices: InvoiceRecord[], now: Date, timeZone: string): AgingReport {
  const buckets = DUE_BUCKETS.map((b) => ({ ...b, count: 0, amountDueCents: 0, invoices: [] as string[] }));
  for (const invoice of invoices) {
    const days = invoice.dueAt ? daysPastDue(invoice.dueAt.getTime(), now.getTime(), timeZone) : 0;
    const bucket = buckets.find((b) => b.label === dueBucketOf(days).label)!;
    bucket.count += 1;
    bucket.amountDueCents += invoice.amountDueCents;
    bucket.invoices.push(invoice.invoiceNumber);
  }
  return {
    asOf: now,
    buckets,
    total: { count: invoices.length, amountDueCents: buckets.reduce((sum, b) => sum + b.amountDueCents, 0) },
  };
}

async function aging(ctx: CommandContext, options: { by?: 'issue' | 'due'; json?: boolean }): Promise<void> {
  const db = await ctx.db();
  const now = new Date();
  const unpaid = await new InvoiceRepository(db).list(ctx.firmId, { status: ['issued', 'partially_paid'] });
  const byDue = options.by === 'due';
  const report = byDue ? dueAgingReport(unpaid, now, ctx.timeZone) : agingReport(unpaid, now, ctx.timeZone);

  if (options.json) {
    ctx.printJson({
      firmId: ctx.firmId,
      asOf: iso(report.asOf),
      asOfDate: day(report.asOf, ctx.timeZone),
      timeZone: ctx.timeZone,
      by: byDue ? 'due' : 'issue',
      buckets: report.buckets,
      total: report.total,
    });
    return;
  }
  ctx.print(
    `Accounts receivable aging for ${ctx.firmId} as of ${day(now, ctx.timeZone)} (${ctx.timeZone}), ${byDue ? 'days past due' : 'days since issue'}:\n`,
  );
  ctx.print(
    table(
      [
        { header: byDue ? 'Past due' : 'Days' },
        { header: 'Invoices', align: 'right' },
        { header: 'Amount due', align: 'right' },
      ],
      report.buckets.map((b) => [b.label, String(b.count), money(b.amountDueCents)]),
      { footer: [['Total', String(report.total.count), money(report.total.amountDueCents)]] },
    ),
  );
}
