import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { ManualInvoiceRequest } from '../../activities/manualInvoices';
import { isDeliverableEmail } from '../../domain/deliverableEmail';

/**
 * The bulk invoice upload format (`matterpay send-csv`): a header row, then one invoice per row. Column names are
 * matched without case, spaces or underscores, so both matterpay's own names and LawPay ClientPay's bulk-upload
 * names work:
 *   matter           the practice matter id or display number (required)
 *   amount           dollars and cents, e.g. 1250.00 (required)
 *   description      what the invoice is for (required when the column is there; else "Invoice <number>" / "Payment request")
 *   period           optional, YYYY-MM (default: this month on the firm's calendar)
 *   invoice number   optional: the invoice's own number (default: <matter display number>-<sequence>)
 *   invoice date     optional, YYYY-MM-DD or MM/DD/YYYY: the date printed on the invoice
 *   due date         optional, YYYY-MM-DD or MM/DD/YYYY (default: PAYMENT_TERMS after issue)
 *   recipient name   optional: who the invoice is addressed to (default: the matter's client)
 *   email address    optional: where it is emailed (default: the client's email in the practice system)
 *   custom message   optional: a message in the email and on the page (default: EMAIL_MESSAGE)
 */
/** A row as the file has it; the invoice it becomes fills in what the row leaves out (commands/sendCsv.ts). */
export interface InvoiceCsvRow extends Pick<
  ManualInvoiceRequest,
  'amountCents' | 'invoiceNumber' | 'invoiceDate' | 'dueDate' | 'recipientName' | 'recipientEmail' | 'customMessage'
> {
  /** 1-based line number in the file (the header is line 1), for messages people can find. */
  line: number;
  matter: string;
  description: string | null;
  period: string | null;
}

/** An optional column: an empty cell is the same as no column. */
const optional = <T extends z.ZodType<string, string>>(schema: T) =>
  z
    .preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional())
    .transform((v) => v ?? null);

/** A calendar date as typed in a spreadsheet, YYYY-MM-DD or US MM/DD/YYYY, to YYYY-MM-DD (and it must exist). */
export const calendarDate = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
    const iso = us ? `${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}` : value;
    const parsed = new Date(`${iso}T00:00:00Z`);
    const valid =
      /^\d{4}-\d{2}-\d{2}$/.test(iso) && !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === iso;
    if (!valid) {
      ctx.addIssue({ code: 'custom', message: 'must be a date such as 2026-12-31 or 12/31/2026' });
      return z.NEVER;
    }
    return iso;
  });

export const invoiceNumberValue = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/,
    'must be letters, digits, ".", "_" or "-" (at most 60, no spaces), such as 2026-0042',
  );
export const amountValue = z
  .string()
  .trim()
  .regex(/^\d{1,9}(\.\d{1,2})?$/, 'must be dollars and cents such as 1250.00 (no currency sign or thousands separator)')
  .transform((v) => Math.round(Number(v) * 100))
  .refine((cents) => cents > 0, 'must be more than 0.00: matterpay never issues $0 invoices');
export const recipientEmailValue = z.string().trim().refine(isDeliverableEmail, 'is not a deliverable email address');
export const recipientNameValue = z.string().trim().min(1).max(200, 'is longer than 200 characters');
export const customMessageValue = z.string().trim().max(2000, 'is longer than 2000 characters');

const rowSchema = z.object({
  matter: z.string().trim().min(1, 'is empty: give the matter id or display number'),
  description: z.string().trim().min(1, 'is empty').max(500, 'is longer than 500 characters').optional(),
  amount: amountValue,
  period: optional(
    z
      .string()
      .trim()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-11'),
  ),
  invoicenumber: optional(invoiceNumberValue),
  invoicedate: optional(calendarDate),
  duedate: optional(calendarDate),
  recipientname: optional(recipientNameValue),
  emailaddress: optional(recipientEmailValue),
  custommessage: optional(customMessageValue),
});

/** Header names as the schema knows them: lower case, no spaces, underscores or dashes. */
const normalise = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
const ALIASES: Record<string, string> = { email: 'emailaddress', message: 'custommessage', recipient: 'recipientname' };

export const REQUIRED_COLUMNS = ['matter', 'amount'] as const;

/** Every problem in the file at once, each with its line and column, or every row when there is none. */
export function parseInvoiceCsv(text: string): { rows: InvoiceCsvRow[]; errors: string[] } {
  let records: Array<Record<string, string>>;
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((h) => ALIASES[normalise(h)] ?? normalise(h)),
      skip_empty_lines: true,
      trim: false,
      bom: true,
    });
  } catch (err) {
    return { rows: [], errors: [`the file is not valid CSV: ${(err as Error).message}`] };
  }
  if (records.length === 0)
    return { rows: [], errors: ['the file has no invoice rows (a header row and at least one row are needed)'] };
  const columns = Object.keys(records[0]!);
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    return {
      rows: [],
      errors: [
        `the header is missing the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected: matter,description,amount[,period] or ClientPay's columns with a matter column)`,
      ],
    };
  }

  const rows: InvoiceCsvRow[] = [];
  const errors: string[] = [];
  const numbers = new Map<string, number>();
  records.forEach((record, index) => {
    const line = index + 2;
    const parsed = rowSchema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        errors.push(
          `line ${line}, ${issue.path.join('.') || 'row'}: ${JSON.stringify(record[String(issue.path[0])] ?? '')} ${issue.message}`,
        );
      return;
    }
    const d = parsed.data;
    if (d.invoicenumber) {
      const earlier = numbers.get(d.invoicenumber);
      if (earlier)
        errors.push(
          `line ${line}, invoice number: "${d.invoicenumber}" is also on line ${earlier}: each invoice needs its own number`,
        );
      numbers.set(d.invoicenumber, line);
    }
    rows.push({
      line,
      matter: d.matter,
      description: d.description ?? null,
      amountCents: d.amount,
      period: d.period,
      invoiceNumber: d.invoicenumber,
      invoiceDate: d.invoicedate,
      dueDate: d.duedate,
      recipientName: d.recipientname,
      recipientEmail: d.emailaddress,
      customMessage: d.custommessage,
    });
  });
  return { rows, errors };
}
