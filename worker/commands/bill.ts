import type { Command } from 'commander';
import type { BillingRunResult } from '../../activities/billingRun';
import { billNowSignal } from '../../shared/messages';
import { FIRM_ID } from '../../shared/searchAttributes';
import { workflowIds } from '../../shared/workflowIds';
import { billingPolicy } from '../policy';
import { CommandError, commandAction, type CommandContext } from './context';
import { resolveMatter } from './matterArg';
import { jsonOption } from './shared';
import { workflowRef } from '../../shared/workflowTypes';

/**
 * `matterpay bill <matter>`: bill a matter now (its approved time regardless of the threshold, or this period's flat
 * fee). `matterpay bill --due`: run today's billing run now.
 */
export function registerBillCommand(program: Command): void {
  program
    .command('bill')
    .description(
      "bill a matter now (approved time regardless of the threshold, or its flat fee), or --due: today's billing run",
    )
    .argument('[matter]', 'practice matter id or display number')
    .option('--due', 'bill every matter whose billing day is today and that is not already being billed')
    .addOption(jsonOption())
    .action(commandAction(bill));
}

async function bill(
  ctx: CommandContext,
  matterArg: string | undefined,
  options: { due?: boolean; json?: boolean },
): Promise<void> {
  if (Boolean(matterArg) === Boolean(options.due))
    throw new CommandError('say which: `matterpay bill <matter>` or `matterpay bill --due`');
  const client = await ctx.temporal();
  const policy = billingPolicy(ctx.config);
  if (options.due) {
    const workflowId = workflowIds.manualBillingRun(ctx.firmId, new Date());
    const result: BillingRunResult = await client.workflow.execute(workflowRef('billingRun'), {
      workflowId,
      taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
      args: [{ firmId: ctx.firmId, policy }],
    });
    if (options.json) return ctx.printJson(result);
    ctx.print(
      `Scanned ${result.scanned} matters: ${result.due.length} due today, ${result.started.length} started billing (the others bill themselves on their billing date).`,
    );
    for (const id of result.started) ctx.print(`  matter ${id}: ${workflowIds.matterBilling(ctx.firmId, id)}`);
    return;
  }
  const matter = await resolveMatter(await ctx.db(), ctx.firmId, matterArg!.trim());
  const workflowId = workflowIds.matterBilling(ctx.firmId, matter.practiceMatterId);
  await client.workflow.signalWithStart(workflowRef('matterBilling'), {
    workflowId,
    taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
    args: [{ firmId: ctx.firmId, matterId: matter.practiceMatterId, policy }],
    typedSearchAttributes: [{ key: FIRM_ID, value: ctx.firmId }],
    signal: billNowSignal,
    signalArgs: [{ reason: 'matterpay bill' }],
  });
  if (options.json)
    return ctx.printJson({
      matterId: matter.practiceMatterId,
      matterDisplayNumber: matter.matterDisplayNumber,
      workflowId,
    });
  ctx.print(
    `Billing matter ${matter.matterDisplayNumber} now (workflow ${workflowId}): follow it with \`matterpay invoices --matter ${matter.practiceMatterId}\`.`,
  );
}
