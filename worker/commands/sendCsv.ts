import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { billingPeriod } from '../../domain/dates';
import { invoiceNumber } from '../../domain/invoiceNumber';
import { formatCents } from '../../domain/money';
import { FIRM_ID } from '../../shared/searchAttributes';
import { invoiceMemo, workflowIds } from '../../shared/workflowIds';
import { inTransaction } from '../../store/db';
import { InvoiceRepository, lockMatter } from '../../store/invoices';
import { parseInvoiceCsv } from '../csv/invoiceCsv';
import { billingPolicy } from '../policy';
import { CommandError, commandAction, type CommandContext } from './context';
import { resolveMatter, type ResolvedMatter } from './link';
import { jsonOption } from './shared';

/**
 * `matterpay send-csv <file>`: bulk invoice upload. Every row is checked first (format, matter known); one bad row
 * and nothing is imported. Then all invoices are written in one transaction and each gets its invoice workflow,
 * which issues and delivers it like any other. Importing the same file again adds nothing: its rows are keyed by
 * the file's content.
 */
export function registerSendCsvCommand(program: Command): void {
  program.command('send-csv')
    .description('upload invoices from a CSV file (matter,description,amount[,period]): all rows or none')
    .argument('<file>', 'CSV file with a header row')
    .addOption(jsonOption())
    .action(commandAction(sendCsv));
}

async function sendCsv(ctx: CommandContext, file: string, options: { json?: boolean }): Promise<number> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CommandError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const { rows, errors } = parseInvoiceCsv(text);
  const db = await ctx.db();
  const matters = new Map<number, ResolvedMatter>();
  for (const row of rows) {
    try {
      matters.set(row.line, await resolveMatter(db, ctx.firmId, row.matter));
    } catch (err) {
      errors.push(`line ${row.line}, matter: ${(err as Error).message}`);
    }
  }
  if (errors.length > 0) {
    const report = [`${file}: nothing was imported, because of ${errors.length} problem${errors.length > 1 ? 's' : ''}:`, ...errors.map((e) => `  ${e}`), 'Fix them and run the same command again.'];
    if (options.json) ctx.printJson({ imported: 0, errors });
    else process.stderr.write(`${report.join('\n')}\n`);
    return 1;
  }

  const fileKey = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const period = billingPeriod(Date.now(), ctx.timeZone);
  const invoices = new InvoiceRepository(db);
  const imported = await inTransaction(db, async (client) => {
    const existing = await client.query('SELECT invoice_number FROM invoice_lines WHERE firm_id = $1 AND line_key LIKE $2 ORDER BY line_key', [ctx.firmId, `csv:${fileKey}:%`]);
    if ((existing.rowCount ?? 0) > 0) return { fresh: false, numbers: existing.rows.map((r) => r.invoice_number as string) };
    const numbers: string[] = [];
    for (const row of rows) {
      const matter = matters.get(row.line)!;
      await lockMatter(client, ctx.firmId, matter.practiceMatterId);
      const sequence = await invoices.nextSequence(client, ctx.firmId, matter.practiceMatterId);
      const number = invoiceNumber(matter.matterDisplayNumber, sequence);
      await invoices.insert(client, {
        firmId: ctx.firmId, invoiceNumber: number, matterId: matter.practiceMatterId, matterDisplayNumber: matter.matterDisplayNumber,
        sequence, kind: 'manual', period: row.period ?? period, totalCents: row.amountCents,
      });
      await invoices.addLines(client, ctx.firmId, number, [{ lineKey: `csv:${fileKey}:${String(row.line).padStart(6, '0')}`, description: row.description, amountCents: row.amountCents }]);
      numbers.push(number);
    }
    return { fresh: true, numbers };
  });

  // Each invoice's workflow issues it: trust first, pay link, email. Starting is idempotent, so a re-run after an
  // interruption starts only what is missing.
  const temporal = await ctx.temporal();
  const bar = process.stderr.isTTY && !options.json ? new SingleBar({ format: 'Starting invoices {bar} {value}/{total}', hideCursor: true }) : null;
  bar?.start(imported.numbers.length, 0);
  for (const number of imported.numbers) {
    const record = await invoices.require(ctx.firmId, number);
    await temporal.workflow.start('invoice', {
      taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
      workflowId: workflowIds.invoice(ctx.firmId, number),
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [{ firmId: ctx.firmId, invoiceNumber: number, policy: billingPolicy(ctx.config) }],
      memo: invoiceMemo(number, record.matterDisplayNumber),
      typedSearchAttributes: [{ key: FIRM_ID, value: ctx.firmId }],
    }).catch((err: Error) => {
      if (err.name !== 'WorkflowExecutionAlreadyStartedError') throw err;
    });
    bar?.increment();
  }
  bar?.stop();
  const total = rows.reduce((sum, r) => sum + r.amountCents, 0);
  if (options.json) {
    ctx.printJson({ imported: imported.fresh ? imported.numbers.length : 0, alreadyImported: !imported.fresh, invoices: imported.numbers, totalCents: total });
    return 0;
  }
  ctx.print(imported.fresh
    ? `Imported ${imported.numbers.length} invoice${imported.numbers.length > 1 ? 's' : ''} for ${formatCents(total)}: ${imported.numbers.join(', ')}. Each is now issued like any other (trust first, pay link, email).`
    : `This file was imported before (${imported.numbers.join(', ')}): nothing added; their workflows are running.`);
  return 0;
}
