import type { Command } from 'commander';
import type { TrustStatementOutcome } from '../../activities/trustStatements';
import { commandAction, type CommandContext } from './context';
import { runCommandWorkflow } from './commandWorkflow';
import { money, table } from './format';
import { jsonOption, parseWith } from './shared';
import { currentMonth, monthArg } from './trustArgs';
import { workflowIds } from '../../shared/workflowIds';
import { workflowRef } from '../../shared/workflowTypes';

/**
 * `matterpay trust-statements [--month]` (docs/domain.md §4.3): emails each client with trust activity in the month a
 * statement of it. Each statement is sent once per month and matter, however often the command runs.
 */
export function registerTrustStatementsCommand(program: Command): void {
  program
    .command('trust-statements')
    .description('email each client with trust activity in the month a statement of it (never payable)')
    .option('--month <YYYY-MM>', "the month (default: this month on the firm's calendar)", parseWith(monthArg))
    .addOption(jsonOption())
    .action(commandAction(trustStatements));
}

async function trustStatements(ctx: CommandContext, options: { month?: string; json?: boolean }): Promise<number> {
  const month = options.month ?? currentMonth(ctx.timeZone);
  const workflowId = workflowIds.trustStatements(ctx.firmId, month, new Date());
  const outcomes = (await runCommandWorkflow(ctx, 'trust statements not sent', workflowId, (client) =>
    client.workflow.execute(workflowRef('trustStatements'), {
      workflowId,
      taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
      args: [{ firmId: ctx.firmId, month }],
      workflowExecutionTimeout: '30 minutes',
    }),
  )) as TrustStatementOutcome[];
  if (options.json) {
    ctx.printJson({ month, statements: outcomes });
    return 0;
  }
  const sent = outcomes.filter((o) => o.outcome === 'sent');
  ctx.print(
    `Trust statements for ${month}: ${sent.length} emailed, ${outcomes.filter((o) => o.outcome === 'held').length} held.`,
  );
  if (outcomes.length) {
    ctx.print(
      table(
        [{ header: 'Matter id' }, { header: 'Outcome' }, { header: 'Detail' }],
        outcomes.map((o) => [
          o.matterId,
          o.outcome,
          o.outcome === 'sent'
            ? `to ${o.to}, closing balance ${money(o.closingCents)}`
            : o.outcome === 'held'
              ? o.reason
              : '',
        ]),
        { indent: '  ' },
      ),
    );
  }
  return 0;
}
