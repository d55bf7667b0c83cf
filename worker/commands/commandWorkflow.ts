import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ActivityFailure, TimeoutFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { CommandError, firstLine, type CommandContext } from './context';

/**
 * Runs a workflow a command waits on (`trust-statements`, `trust-report`) and turns what stops it into one line that
 * says why: no worker to take it (said at once, not after the workflow's timeout), the step that failed and its
 * reason, or the timeout itself. `what` names what did not happen ("trust statements not sent").
 */
export async function runCommandWorkflow<T>(
  ctx: CommandContext,
  what: string,
  workflowId: string,
  run: (client: Client) => Promise<T>,
): Promise<T> {
  const client = await ctx.temporal();
  const queue = ctx.config.TEMPORAL_TASK_QUEUE;
  if (!(await anyWorkerPolls(client, ctx.config.TEMPORAL_NAMESPACE, queue)))
    throw new CommandError(
      `${what}: no matterpay worker is taking work from task queue ${queue}. Start one (\`npm start\`, or \`matterpay worker\` with the same TEMPORAL_TASK_QUEUE) and run the command again.`,
    );
  try {
    return await run(client);
  } catch (err) {
    throw new CommandError(`${what}: ${whyItStopped(err, queue, workflowId)}`);
  }
}

/** Whether a worker has polled the queue lately (Temporal keeps the pollers of the last few minutes). */
async function anyWorkerPolls(client: Client, namespace: string, queue: string): Promise<boolean> {
  try {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: queue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (pollers?.length ?? 0) > 0;
  } catch {
    return true; // a server that cannot say lets the workflow itself show what is wrong
  }
}

function whyItStopped(err: unknown, queue: string, workflowId: string): string {
  if (!(err instanceof WorkflowFailedError)) return firstLine(err);
  if (err.cause instanceof TimeoutFailure)
    return `no matterpay worker finished it in time: is a worker running on task queue ${queue}, and can it reach the database?`;
  const step = findCause(err.cause, (e): e is ActivityFailure => e instanceof ActivityFailure);
  const root = deepest(err.cause);
  const reason = root ? firstLine(root) : firstLine(err);
  return step
    ? `its step ${step.activityType} failed: ${reason} (workflow ${workflowId} in the Temporal UI shows it)`
    : `${reason} (workflow ${workflowId} in the Temporal UI shows it)`;
}

function findCause<T extends Error>(err: unknown, is: (e: Error) => e is T): T | null {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) if (is(e)) return e;
  return null;
}

function deepest(err: unknown): Error | null {
  let last: Error | null = null;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) last = e;
  return last;
}
