import type { Client, WorkflowHandle } from '@temporalio/client';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import { backfillProgressQuery, type BackfillProgress } from '../../shared/messages';
import { FIRM_ID } from '../../shared/searchAttributes';
import { workflowIds } from '../../shared/workflowIds';
import type { backfillMatterLinks, BackfillResult } from '../../workflows/backfillMatterLinks';
import { commandAction, CommandError, firstLine, type CommandContext } from './context';
import { fields } from './format';
import { registerLinkCommand } from './matterLink';
import { jsonOption, parseWith } from './shared';
import { workflowRef } from '../../shared/workflowTypes';

/**
 * `matterpay backfill [--run-id <id>]` (docs/domain.md §4.6, §8): fills the matter-ID lookup table from every matter in the
 * practice system, as workflow `backfill/<firm>/<runId>` on the worker's task queue, and watches it.
 *
 * The run id is the workflow's business key: the same run id re-attaches to a backfill that is still running
 * (`USE_EXISTING`) and reports a finished one instead of running it again; one that failed or was terminated may be
 * started again under its id (it starts from the first page and only adds the rows that are missing). The default
 * run id is the current UTC minute (`20261121T1130Z`), so running the command twice in a row watches one backfill.
 *
 * Watching is all the command does: Ctrl-C stops watching, the backfill carries on in the worker.
 */
/** `backfill` and `link`: the two ways rows get into the matter-ID lookup table from the command line. */
export function registerLookupTableCommands(program: Command): void {
  registerBackfillCommand(program);
  registerLinkCommand(program);
}

export function registerBackfillCommand(program: Command): void {
  program
    .command('backfill')
    .description(
      'fill the matter-ID lookup table from every matter in the practice system (resumable; Ctrl-C only stops watching)',
    )
    .option(
      '--run-id <id>',
      'names this backfill (workflow backfill/<firm>/<id>); the same id re-attaches to it (default: the UTC minute, e.g. 20261121T1130Z)',
      parseWith(runIdArg),
    )
    .addOption(jsonOption())
    .action(commandAction(backfill));
}

const runIdArg = z
  .string()
  .trim()
  .min(1, 'a run id must not be empty')
  .max(100, 'a run id is at most 100 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'a run id is letters, digits, ".", "_" and "-", such as 20261121T1130Z');

/** `20261121T1130Z`: the UTC minute, readable in a workflow id. */
export function defaultRunId(now: Date = new Date()): string {
  return now
    .toISOString()
    .replace(/-/g, '')
    .replace(/:\d\d\.\d+Z$/, 'Z')
    .replace(':', '');
}

const POLL_MS = 500;
const QUERY_TIMEOUT_MS = 3_000;
/** Starting may wait out a Temporal outage (TEMPORAL_WAIT, worker/commands/temporalWait.ts), then gets ten seconds. */
const START_AFTER_WAIT_MS = 10_000;

async function backfill(ctx: CommandContext, options: { runId?: string; json?: boolean }): Promise<number> {
  const runId = options.runId ?? defaultRunId();
  const workflowId = workflowIds.backfillMatterLinks(ctx.firmId, runId);
  const client = await ctx.temporal();
  const { handle, attached, finished } = await startOrAttach(ctx, client, workflowId, runId);
  const started = Date.now();

  // From here Ctrl-C only stops watching. The listener is in place before anyone is told so.
  let onSigint: () => void = () => {};
  const interrupted = new Promise<'interrupted'>((resolve) => {
    onSigint = () => resolve('interrupted');
  });
  process.once('SIGINT', onSigint);
  const stoppedWatching = (last: BackfillProgress | null) =>
    [
      `Stopped watching. Backfill ${runId} carries on in the worker${last ? ` (${last.matters.toLocaleString('en-US')} matters scanned so far)` : ''}.`,
      `Watch it again with: matterpay backfill --run-id ${runId}`,
    ].join('\n');

  try {
    if (options.json) {
      const ended = await Promise.race([outcome(handle), interrupted]);
      if (ended === 'interrupted') {
        process.stderr.write(`${stoppedWatching(null)}\n`);
        return 130;
      }
      ctx.printJson({ workflowId, ...ended });
      return 0;
    }

    if (finished) {
      ctx.print(`Backfill ${runId} of ${ctx.firmId} had already finished (use a new --run-id to run another):`);
      ctx.print(summary(await outcome(handle)));
      return 0;
    }
    ctx.print(
      `${attached ? 'Watching the running' : 'Started'} backfill ${runId} of ${ctx.firmId} (workflow ${workflowId}).`,
    );
    ctx.print('Ctrl-C stops watching; the backfill itself carries on in the worker.');
    const watch = watchProgress(client, handle, runId);
    let ended: BackfillResult | 'interrupted' | null = null;
    try {
      ended = await Promise.race([outcome(handle), interrupted]);
    } finally {
      // The last frame shows the final totals, not the last poll's.
      watch.stop(ended && ended !== 'interrupted' ? ended : null);
    }
    if (ended === 'interrupted') {
      ctx.print(stoppedWatching(watch.last()));
      return 130;
    }
    ctx.print(`Backfill ${runId} of ${ctx.firmId} finished in ${seconds(Date.now() - started)}:`);
    ctx.print(summary(ended));
    return 0;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/**
 * Starts the workflow, or attaches to the one of the same run id. A finished one is reported, not run again; one
 * that failed or was terminated is started again (from the first page: the rows it added are skipped).
 */
async function startOrAttach(
  ctx: CommandContext,
  client: Client,
  workflowId: string,
  runId: string,
): Promise<{
  handle: WorkflowHandle<typeof backfillMatterLinks>;
  attached: boolean;
  finished: boolean;
}> {
  const { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } = await import('@temporalio/client');
  const unreachable = (err: unknown) =>
    new CommandError(`could not start backfill ${runId} on Temporal at ${ctx.temporalAddress}: ${firstLine(err)}`);
  let status: string | null = null;
  try {
    status = (
      await client.withDeadline(Date.now() + ctx.config.TEMPORAL_WAIT + START_AFTER_WAIT_MS, () =>
        client.workflow.getHandle(workflowId).describe(),
      )
    ).status.name;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw unreachable(err);
  }
  if (status === 'COMPLETED') {
    return {
      handle: client.workflow.getHandle<typeof backfillMatterLinks>(workflowId),
      attached: true,
      finished: true,
    };
  }
  try {
    const handle = await client.withDeadline(Date.now() + ctx.config.TEMPORAL_WAIT + START_AFTER_WAIT_MS, () =>
      client.workflow.start(workflowRef('backfillMatterLinks'), {
        workflowId,
        taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
        args: [{ firmId: ctx.firmId, runId }],
        // The same run id while it runs: attach to it (never a second backfill under one id). Closed: only a run
        // that did not complete may start again.
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        typedSearchAttributes: [{ key: FIRM_ID, value: ctx.firmId }],
        memo: { summary: `Matter-link backfill ${runId}` },
      }),
    );
    return { handle, attached: status === 'RUNNING', finished: false };
  } catch (err) {
    // It completed between the two calls.
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return {
        handle: client.workflow.getHandle<typeof backfillMatterLinks>(workflowId),
        attached: true,
        finished: true,
      };
    }
    throw unreachable(err);
  }
}

/** The backfill's final result, following continue-as-new; a failure is one line naming the workflow. */
async function outcome(handle: WorkflowHandle<typeof backfillMatterLinks>): Promise<BackfillResult> {
  try {
    return await handle.result();
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    throw new CommandError(`backfill workflow ${handle.workflowId} did not finish: ${firstLine(cause ?? err)}`);
  }
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

interface Watch {
  /** Stops polling and drawing; with the final progress, the last frame shows it, marked done. */
  stop(final: BackfillProgress | null): void;
  last(): BackfillProgress | null;
}

/**
 * A one-line counter on stderr (the total is not known until the last page): matters scanned, links added, pages,
 * elapsed time, fed by the workflow's `progress` query every 500 ms. When no worker answers the query, the line
 * says so instead of freezing. Nothing is drawn when stderr is not a terminal.
 */
function watchProgress(client: Client, handle: WorkflowHandle, runId: string): Watch {
  let last: BackfillProgress | null = null;
  let waiting = false;
  let frame = 0;
  let complete = false;
  const bar = new SingleBar({
    format: (_options, params, payload: { line: string }) => {
      frame = (frame + 1) % SPINNER.length;
      return `${complete ? '✔' : SPINNER[frame]} Backfill ${runId}  ${payload.line}  ${seconds(Date.now() - params.startTime)}`;
    },
    fps: 8,
    hideCursor: true,
    clearOnComplete: false,
    // Ctrl-C is handled by the command: it stops the bar (restoring the cursor) and says what goes on.
    gracefulExit: false,
  });
  const line = () => {
    if (waiting && !last)
      return 'waiting for a matterpay worker to pick it up (is `matterpay worker` or `npm start` running?)';
    const p = last ?? { matters: 0, linksAdded: 0, pages: 0 };
    const counts = `${p.matters.toLocaleString('en-US')} matters scanned · ${p.linksAdded.toLocaleString('en-US')} links added · ${p.pages} pages`;
    return waiting ? `${counts} · no worker is answering (is \`matterpay worker\` running?)` : counts;
  };
  bar.start(0, 0, { line: line() });

  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const poll = async () => {
    try {
      last = await client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(backfillProgressQuery));
      waiting = false;
    } catch {
      waiting = true;
    }
    if (stopped) return;
    bar.update(0, { line: line() });
    timer = setTimeout(() => void poll(), POLL_MS);
  };
  void poll();

  return {
    stop(final) {
      stopped = true;
      if (final) {
        last = final;
        waiting = false;
        complete = true;
      }
      if (timer) clearTimeout(timer);
      if (bar.isActive) {
        bar.update(0, { line: line() });
        bar.stop();
      }
    },
    last: () => last,
  };
}

function summary(result: BackfillResult): string {
  const n = (value: number) => value.toLocaleString('en-US');
  return fields([
    ['Matters scanned', n(result.matters)],
    ['Pages', n(result.pages)],
    [
      'Links added',
      `${n(result.linksAdded)}${result.linksAdded === 0 && result.matters > 0 ? ' (every matter was already mapped)' : ''}`,
    ],
    [
      'Parked payments woken',
      `${n(result.parkedPaymentsWoken)}${result.parkedPaymentsWoken > 0 ? ' (they retry their match now)' : ''}`,
    ],
  ]);
}

function seconds(ms: number): string {
  const total = Math.round(ms / 1000);
  if (total < 60) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, '0')} s`;
}
