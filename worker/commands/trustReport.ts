import { Option, type Command } from 'commander';
import type { TrustReportData, TrustReport } from '../../domain/trustReconciliation';
import { buildTrustReport } from '../../domain/trustReconciliation';
import { TrustReconciliationRepository } from '../../store/trustReconciliations';
import { CommandError, commandAction, firstLine, type CommandContext } from './context';
import { runCommandWorkflow } from './commandWorkflow';
import { dateTime } from './format';
import { jsonOption, parseWith } from './shared';
import { currentMonth, dateArg, monthArg, moneyArg, personArg } from './trustArgs';
import { renderTrustReport, trustReportCsv, type SignatureLine } from './trustReportOutput';
import { workflowIds } from '../../shared/workflowIds';
import { workflowRef } from '../../shared/workflowTypes';

/**
 * `matterpay trust-report` (docs/domain.md §4.3, §8; TRUST.md §2): the month's three-way trust reconciliation. The trust
 * data is gathered on a worker (it holds the practice system's and processor's connections); the report is
 * computed here. A signed month prints its stored snapshot: later changes to the ledger do not alter it.
 */
export function registerTrustReportCommand(program: Command): void {
  program
    .command('trust-report')
    .description(
      'three-way trust reconciliation for a month: practice system ledger, matterpay draws, processor trust deposits',
    )
    .option('--month <YYYY-MM>', "the month (default: this month on the firm's calendar)", parseWith(monthArg))
    .addOption(jsonOption())
    .addOption(new Option('--csv', 'one row per matter, for a spreadsheet').conflicts('json'))
    .option(
      '--bank-balance <amount>',
      "the bank statement's ending balance (with --statement-date)",
      parseWith(moneyArg),
    )
    .option('--statement-date <YYYY-MM-DD>', "the bank statement's date, within the month", parseWith(dateArg))
    .option(
      '--sign-off <name>',
      'record the reconciliation for the month as signed by this person',
      parseWith(personArg),
    )
    .option('--with-exceptions', 'sign off even though lines are flagged (the flags are kept in the signed record)')
    .action(commandAction(trustReport));
}

interface Options {
  month?: string;
  json?: boolean;
  csv?: boolean;
  bankBalance?: number;
  statementDate?: string;
  signOff?: string;
  withExceptions?: boolean;
}

interface StoredReport {
  report: TrustReport;
  asOf: string;
}

async function trustReport(ctx: CommandContext, options: Options): Promise<number> {
  if ((options.bankBalance === undefined) !== (options.statementDate === undefined)) {
    throw new CommandError(
      '--bank-balance and --statement-date go together: the ending balance and the date of the same bank statement',
      2,
    );
  }
  if (options.withExceptions && !options.signOff)
    throw new CommandError('--with-exceptions only goes with --sign-off <name>', 2);
  const month = options.month ?? currentMonth(ctx.timeZone);
  const signatures = new TrustReconciliationRepository(await ctx.db());
  const signed = await signatures.latest<StoredReport>(ctx.firmId, month);

  if (signed && !options.signOff) {
    if (options.bankBalance !== undefined)
      ctx.print(
        `${month} is signed: its stored report is shown as signed; sign again (--sign-off) to record a correction with the bank figures.`,
      );
    return print(ctx, signed.report.report, options, signed.report.asOf, {
      signedBy: signed.signedBy,
      signedAt: dateTime(signed.signedAt, ctx.timeZone),
      revision: signed.revision,
      withExceptions: signed.withExceptions,
    });
  }

  const data = await gather(ctx, month);
  let report: TrustReport;
  try {
    report = buildTrustReport(data, {
      postWithinMs: ctx.config.TRUST_POST_WITHIN,
      bank:
        options.bankBalance !== undefined
          ? { balanceCents: options.bankBalance, statementDate: options.statementDate! }
          : undefined,
    });
  } catch (err) {
    throw new CommandError(firstLine(err), 2);
  }
  const asOf = dateTime(new Date(data.generatedAt), ctx.timeZone);

  if (options.signOff) {
    if (report.flags.length > 0 && !options.withExceptions) {
      print(ctx, report, options, asOf, null);
      throw new CommandError(
        `not signed: ${report.flags.length} line(s) of ${month} are flagged. Resolve them, or sign with --with-exceptions to record them as known exceptions.`,
      );
    }
    const revision = await signatures.sign(ctx.firmId, {
      month,
      signedBy: options.signOff,
      withExceptions: report.flags.length > 0,
      flaggedLines: report.flags.length,
      report: { report, asOf } satisfies StoredReport,
    });
    const stored = (await signatures.latest<StoredReport>(ctx.firmId, month))!;
    if (!options.json && !options.csv) {
      ctx.print(
        `Signed ${month} as revision ${revision} by ${options.signOff}${report.flags.length ? ` with ${report.flags.length} exception(s)` : ''}.`,
      );
    }
    return print(ctx, report, options, asOf, {
      signedBy: stored.signedBy,
      signedAt: dateTime(stored.signedAt, ctx.timeZone),
      revision,
      withExceptions: stored.withExceptions,
    });
  }
  return print(ctx, report, options, asOf, null);
}

function print(
  ctx: CommandContext,
  report: TrustReport,
  options: Options,
  asOf: string,
  signature: SignatureLine | null,
): number {
  if (options.json) ctx.printJson({ ...report, signed: signature });
  else if (options.csv) ctx.print(trustReportCsv(report));
  else ctx.print(renderTrustReport(report, { asOf, signature }));
  return 0;
}

async function gather(ctx: CommandContext, month: string): Promise<TrustReportData> {
  const workflowId = workflowIds.trustReport(ctx.firmId, month, new Date());
  return (await runCommandWorkflow(ctx, 'could not gather the trust data', workflowId, (client) =>
    client.workflow.execute(workflowRef('trustReportData'), {
      workflowId,
      taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
      args: [{ firmId: ctx.firmId, month }],
      workflowExecutionTimeout: '5 minutes',
    }),
  )) as TrustReportData;
}
