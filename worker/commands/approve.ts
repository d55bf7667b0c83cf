import os from 'node:os';
import type { Command } from 'commander';
import { z } from 'zod';
import { approveUpdate, type ApprovalResult } from '../../shared/messages';
import { updateIds, workflowIds } from '../../shared/workflowIds';
import { commandAction, CommandError, firstLine, type CommandContext } from './context';
import { dateTime, iso } from './format';
import { invoiceNumberArg, jsonOption, parseWith } from './shared';

/**
 * `matterpay approve <number>` (docs/domain.md §4.2, §8): the `approve` update on workflow `invoice/<firm>/<number>`, so
 * who approved and when is recorded in the workflow's history. The workflow's validator decides whether the
 * invoice can be approved; its reason is what the admin reads when it cannot.
 *
 * The update id is derived from the invoice number, so a repeated command (a retry after a timeout, two admins at
 * once) is deduplicated by Temporal: there is never more than one approval in the history. Temporal answers a
 * repeat with the first approval's result, so the command asks for that result first and reports an earlier
 * approval as such instead of claiming it again.
 */
export function registerApproveCommand(program: Command): void {
  program
    .command('approve')
    .description(
      'approve an invoice that waits for approval (APPROVAL=invoice); who and when go into its workflow history',
    )
    .argument('<number>', 'the invoice number, such as 00042-Smith-3', parseWith(invoiceNumberArg))
    .option('--by <name>', 'who approves (default: your user name on this machine)', parseWith(approverArg))
    .addOption(jsonOption())
    .action(commandAction(approve));
}

const approverArg = z
  .string()
  .trim()
  .min(1, "the approver's name must not be empty")
  .max(200, "the approver's name is at most 200 characters");

const DESCRIBE_TIMEOUT_MS = 5_000;
const UPDATE_TIMEOUT_MS = 30_000;

async function approve(
  ctx: CommandContext,
  invoiceNumber: string,
  options: { by?: string; json?: boolean },
): Promise<void> {
  const approvedBy = options.by ?? currentUserName();
  const workflowId = workflowIds.invoice(ctx.firmId, invoiceNumber);
  const updateId = updateIds.approveInvoice(invoiceNumber);
  const client = await ctx.temporal();
  const { WorkflowNotFoundError, WorkflowUpdateFailedError } = await import('@temporalio/client');
  const handle = client.workflow.getHandle(workflowId);

  let execution: string;
  try {
    execution = (await client.withDeadline(Date.now() + DESCRIBE_TIMEOUT_MS, () => handle.describe())).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new CommandError(`invoice ${invoiceNumber} not found (no workflow ${workflowId})`);
    throw new CommandError(`cannot reach Temporal at ${ctx.temporalAddress} (${firstLine(err)})`);
  }

  // Did an earlier `matterpay approve` of this invoice already go through?
  try {
    const earlier = await client.withDeadline(Date.now() + DESCRIBE_TIMEOUT_MS, () =>
      handle.getUpdateHandle<ApprovalResult>(updateId).result(),
    );
    throw new CommandError(
      `invoice ${invoiceNumber} was already approved by ${earlier.approvedBy} on ${dateTime(earlier.approvedAtMs, ctx.timeZone)}`,
    );
  } catch (err) {
    if (err instanceof CommandError) throw err;
    if (!(err instanceof WorkflowNotFoundError) && !(err instanceof WorkflowUpdateFailedError)) {
      if (isTimeout(err)) {
        throw new CommandError(
          `an earlier approval of invoice ${invoiceNumber} is still waiting for a matterpay worker: is the worker running?`,
        );
      }
      throw new CommandError(`cannot reach Temporal at ${ctx.temporalAddress} (${firstLine(err)})`);
    }
    // Not found: no approval with this id yet. Failed: an earlier attempt was rejected; try again.
  }

  if (execution !== 'RUNNING') {
    throw new CommandError(
      `invoice ${invoiceNumber} cannot be approved: its workflow is ${execution.toLowerCase().replace(/_/g, ' ')}`,
    );
  }

  let result: ApprovalResult;
  try {
    result = await client.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, () =>
      handle.executeUpdate(approveUpdate, { args: [{ approvedBy }], updateId }),
    );
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      throw new CommandError(`invoice ${invoiceNumber} was not approved: ${err.cause?.message ?? err.message}`);
    }
    if (err instanceof WorkflowNotFoundError) {
      throw new CommandError(`invoice ${invoiceNumber} cannot be approved: its workflow has just finished`);
    }
    if (isTimeout(err)) {
      throw new CommandError(
        `no matterpay worker took the approval of invoice ${invoiceNumber} within ${UPDATE_TIMEOUT_MS / 1000} s: is the worker running? ` +
          'The approval waits on the server and is normally applied as soon as a worker runs: run this command again to see the outcome (it never approves twice).',
      );
    }
    throw new CommandError(`the approval of invoice ${invoiceNumber} failed: ${firstLine(err)}`);
  }

  if (options.json) {
    ctx.printJson({ invoiceNumber, workflowId, approvedBy: result.approvedBy, approvedAt: iso(result.approvedAtMs) });
    return;
  }
  ctx.print(
    `Invoice ${invoiceNumber} approved by ${result.approvedBy} on ${dateTime(result.approvedAtMs, ctx.timeZone)}.`,
  );
}

function currentUserName(): string {
  let name: string | undefined;
  try {
    name = os.userInfo().username;
  } catch {
    name = process.env.USER ?? process.env.LOGNAME;
  }
  if (!name?.trim())
    throw new CommandError('cannot tell who you are on this machine: say who approves with --by <name>');
  return name.trim();
}

function isTimeout(err: unknown): boolean {
  const e = err as { name?: string; code?: number; cause?: { code?: number } };
  return (
    e.name === 'WorkflowUpdateRPCTimeoutOrCancelledError' ||
    [1, 4].includes(e.code ?? -1) ||
    [1, 4].includes(e.cause?.code ?? -1) ||
    /deadline|timed out|cancelled/i.test(firstLine(err))
  );
}
