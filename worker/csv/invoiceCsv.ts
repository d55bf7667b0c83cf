import { parse } from 'csv-parse/sync';
import { z } from 'zod';

/**
 * The bulk invoice upload format (`matterpay send-csv`): a header row, then one invoice per row.
 *   matter       the practice matter id or display number
 *   description  what the invoice is for (shown on the line and in the email)
 *   amount       dollars and cents, e.g. 1250.00
 *   period       optional, YYYY-MM (default: this month on the firm's calendar)
 */
export interface InvoiceCsvRow {
  /** 1-based line number in the file (the header is line 1), for messages people can find. */
  line: number;
  matter: string;
  description: string;
  amountCents: number;
  period: string | null;
}

const rowSchema = z.object({
  matter: z.string().trim().min(1, 'is empty: give the matter id or display number'),
  description: z.string().trim().min(1, 'is empty').max(500, 'is longer than 500 characters'),
  amount: z.string().trim()
    .regex(/^\d{1,9}(\.\d{1,2})?$/, 'must be dollars and cents such as 1250.00 (no currency sign or thousands separator)')
    .transform((v) => Math.round(Number(v) * 100))
    .refine((cents) => cents > 0, 'must be more than 0.00: matterpay never issues $0 invoices'),
  period: z.string().trim().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-11').optional().or(z.literal('').transform(() => undefined)),
});

export const REQUIRED_COLUMNS = ['matter', 'description', 'amount'] as const;

/** Every problem in the file at once, each with its line and column, or every row when there is none. */
export function parseInvoiceCsv(text: string): { rows: InvoiceCsvRow[]; errors: string[] } {
  let records: Array<Record<string, string>>;
  try {
    records = parse(text, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, trim: false, bom: true });
  } catch (err) {
    return { rows: [], errors: [`the file is not valid CSV: ${(err as Error).message}`] };
  }
  if (records.length === 0) return { rows: [], errors: ['the file has no invoice rows (a header row and at least one row are needed)'] };
  const columns = Object.keys(records[0]!);
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) return { rows: [], errors: [`the header is missing the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected: matter,description,amount[,period])`] };

  const rows: InvoiceCsvRow[] = [];
  const errors: string[] = [];
  records.forEach((record, index) => {
    const line = index + 2;
    const parsed = rowSchema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push(`line ${line}, ${issue.path.join('.') || 'row'}: ${JSON.stringify(record[String(issue.path[0])] ?? '')} ${issue.message}`);
      return;
    }
    rows.push({ line, matter: parsed.data.matter, description: parsed.data.description, amountCents: parsed.data.amount, period: parsed.data.period ?? null });
  });
  return { rows, errors };
}
