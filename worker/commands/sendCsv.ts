import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { billingPeriod } from '../../domain/dates';
import { formatCents } from '../../domain/money';
import { InvoiceRepository } from '../../store/invoices';
import { parseInvoiceCsv } from '../csv/invoiceCsv';
import { CommandError, commandAction, type CommandContext } from './context';
import { resolveMatter, type ResolvedMatter } from './matterArg';
import { draftInvoicesOfRecord, startInvoiceWorkflows, waitForIssuedLinks, type IssuedLink } from './manualInvoices';
import { jsonOption } from './shared';

/**
 * `matterpay send-csv <file>`: bulk invoice upload (matterpay's columns or LawPay ClientPay's bulk-upload columns
 * with a matter column). Every row is checked first (format, matter known, invoice number free); one bad row and
 * nothing is imported. Then all invoices are written in one transaction and each gets its invoice workflow, which
 * issues and delivers it like any other. Importing the same file again adds nothing: its rows are keyed by the
 * file's content. `--no-email` ("Generate links for download"): nothing is emailed; the pay links are written to
 * a CSV for the firm to send itself.
 */
export function registerSendCsvCommand(program: Command): void {
  program
    .command('send-csv')
    .description(
      'upload invoices from a CSV file (matter,description,amount[,period] or ClientPay columns plus matter): all rows or none',
    )
    .argument('<file>', 'CSV file with a header row')
    .option('--no-email', 'email nothing: write the pay links to a CSV instead (see --links-out)')
    .option('--links-out <file>', 'where --no-email writes the links (default: <file>.links.csv beside the upload)')
    .addOption(jsonOption())
    .action(commandAction(sendCsv));
}

async function sendCsv(
  ctx: CommandContext,
  file: string,
  options: { json?: boolean; email: boolean; linksOut?: string },
): Promise<number> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CommandError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  const { rows, errors } = parseInvoiceCsv(text);
  const db = await ctx.db();
  const fileKey = createHash('sha256')
    .update(`${options.email ? '' : 'links-only:'}${text}`)
    .digest('hex')
    .slice(0, 16);
  const linePrefix = `csv:${fileKey}:`;
  const invoices = new InvoiceRepository(db);
  const importedBefore = await invoices.numbersWithLinesUnder(ctx.firmId, linePrefix);
  const matters = new Map<number, ResolvedMatter>();
  for (const row of rows) {
    try {
      matters.set(row.line, await resolveMatter(db, ctx.firmId, row.matter));
    } catch (err) {
      errors.push(`line ${row.line}, matter: ${(err as Error).message}`);
    }
    if (row.invoiceNumber && importedBefore.length === 0) {
      if (await invoices.get(ctx.firmId, row.invoiceNumber))
        errors.push(
          `line ${row.line}, invoice number: "${row.invoiceNumber}" is already an invoice of ${ctx.firmId}: each invoice needs its own number`,
        );
    }
  }
  if (errors.length > 0) {
    const report = [
      `${file}: nothing was imported, because of ${errors.length} problem${errors.length > 1 ? 's' : ''}:`,
      ...errors.map((e) => `  ${e}`),
      'Fix them and run the same command again.',
    ];
    if (options.json) ctx.printJson({ imported: 0, errors });
    else process.stderr.write(`${report.join('\n')}\n`);
    return 1;
  }

  const period = billingPeriod(Date.now(), ctx.timeZone);
  const imported = await draftInvoicesOfRecord(ctx, db, {
    linePrefix,
    requests: rows.map((row) => ({
      matter: matters.get(row.line)!,
      lineKey: `${linePrefix}${String(row.line).padStart(6, '0')}`,
      description: row.description ?? (row.invoiceNumber ? `Invoice ${row.invoiceNumber}` : 'Payment request'),
      amountCents: row.amountCents,
      period: row.period ?? period,
      invoiceNumber: row.invoiceNumber,
      invoiceDate: row.invoiceDate,
      dueDate: row.dueDate,
      recipientName: row.recipientName,
      recipientEmail: row.recipientEmail,
      customMessage: row.customMessage,
      sendEmail: options.email,
    })),
  });

  await startInvoiceWorkflows(ctx, db, imported.numbers, { progress: !options.json });
  const total = rows.reduce((sum, r) => sum + r.amountCents, 0);
  const links = options.email ? null : await waitForIssuedLinks(ctx, db, imported.numbers);
  const linksFile = links ? path.resolve(options.linksOut ?? `${file.replace(/\.csv$/i, '')}.links.csv`) : null;
  if (links && linksFile) fs.writeFileSync(linksFile, linksCsv(links));

  if (options.json) {
    ctx.printJson({
      imported: imported.fresh ? imported.numbers.length : 0,
      alreadyImported: !imported.fresh,
      invoices: imported.numbers,
      totalCents: total,
      emailed: options.email,
      links:
        links &&
        links.map((l) => ({
          invoiceNumber: l.invoiceNumber,
          url: l.url,
          amountDueCents: l.amountDueCents,
          dueDate: l.dueDate,
        })),
      linksFile,
    });
    return 0;
  }
  const what = options.email
    ? 'Each is now issued like any other (trust first, pay link, email).'
    : `Nothing was emailed: the pay links are in ${linksFile}.`;
  ctx.print(
    imported.fresh
      ? `Imported ${imported.numbers.length} invoice${imported.numbers.length > 1 ? 's' : ''} for ${formatCents(total)}: ${imported.numbers.join(', ')}. ${what}`
      : `This file was imported before (${imported.numbers.join(', ')}): nothing added; their workflows are running.${linksFile ? ` The pay links are in ${linksFile}.` : ''}`,
  );
  return 0;
}

function linksCsv(links: IssuedLink[]): string {
  return stringify([
    ['invoice_number', 'amount_due', 'due_date', 'pay_link'],
    ...links.map((l) => [
      l.invoiceNumber,
      (l.amountDueCents / 100).toFixed(2),
      l.dueDate ?? '',
      l.url ?? 'paid from trust: nothing to ask for',
    ]),
  ]);
}
