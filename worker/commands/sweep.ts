import type { Command } from 'commander';
import { workflowIds } from '../../shared/workflowIds';
import { sweepAction } from '../schedules';
import { commandAction, type CommandContext } from './context';
import { jsonOption } from './shared';
import { workflowRef, type WorkflowOf } from '../../shared/workflowTypes';

/** `matterpay sweep`: one reconciliation sweep now, waited for, with what it found. */
export function registerSweepCommand(program: Command): void {
  program
    .command('sweep')
    .description('sweep the payment processor now for payments no webhook delivered, and reconcile them')
    .addOption(jsonOption())
    .action(commandAction(sweep));
}

async function sweep(ctx: CommandContext, options: { json?: boolean }): Promise<void> {
  const client = await ctx.temporal();
  const workflowId = workflowIds.manualSweep(ctx.firmId, new Date());
  const action = sweepAction(ctx.config, ctx.firmId, workflowId);
  if (action.type !== 'startWorkflow') throw new Error('unexpected schedule action');
  const result = await client.workflow.execute(workflowRef('reconciliationSweep'), {
    workflowId,
    taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
    args: action.args as Parameters<WorkflowOf<'reconciliationSweep'>>,
  });
  if (options.json) return ctx.printJson(result);
  ctx.print(
    `Scanned ${result.scanned} processor transactions; started reconciliation for ${result.started.length} not yet recorded.`,
  );
  for (const id of result.started) ctx.print(`  ${id}`);
}
