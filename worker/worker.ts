import path from 'node:path';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  makeTelemetryFilterString,
  type LogLevel,
} from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { createActivities, type ActivityDeps } from '../activities';
import type { Config } from './config';
import { ensureWorkflowBundle } from './engine/workflowBundle';
import { livenessHeartbeats } from './liveness';
import { slowStepLog } from './slowSteps';
import type { Logger } from './logger';

let runtimeInstalled = false;

/**
 * Workflows kept in memory between their tasks. The SDK's default grows with the heap limit (2,310 on a 4 GiB heap)
 * and costs ~0.3 MiB each: 2,000 open invoices held a worker at 825 MiB (bench:open-invoices). An open invoice
 * wakes about once a day, and a workflow that is not cached replays its short history (tens of events) in
 * milliseconds, so a small cache costs little CPU and bounds the worker near 300 MiB however many invoices are open.
 */
const DEFAULT_MAX_CACHED_WORKFLOWS = 100;

/** Routes the SDK's and core's logs into our pino logger. Once per process, before any Worker exists. */
export function installTemporalRuntime(logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const temporalLogger = logger.child({ component: 'temporal' });
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      const level = entry.level.toLowerCase() as Lowercase<LogLevel>;
      const log =
        level === 'trace' ? temporalLogger.trace.bind(temporalLogger) : temporalLogger[level].bind(temporalLogger);
      log(readableMeta(entry.meta), entry.message);
    }),
    telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) } },
  });
}

/**
 * The SDK hands errors in its log metadata (`{ error }` with "Workflow failed"), which JSON shows as `{}`: each is
 * written as its name and message with those of its causes, so the log says why a workflow failed.
 */
function readableMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  const readable: Record<string, unknown> = { ...meta };
  for (const [key, value] of Object.entries(readable)) {
    if (!(value instanceof Error)) continue;
    const chain: string[] = [];
    for (let e: unknown = value; e instanceof Error && chain.length < 5; e = e.cause)
      chain.push(`${e.name}: ${e.message}`);
    readable[key] = chain.join(' ← caused by ');
  }
  return readable;
}

export async function createWorker(options: {
  config: Config;
  connection: NativeConnection;
  deps: ActivityDeps;
  dataConverter?: DataConverter;
  /** Where slow steps are logged (worker/slowSteps.ts). */
  logger?: Logger;
}): Promise<Worker> {
  const workflowBundlePath = await ensureWorkflowBundle(path.join(options.config.dataDir, 'workflow-bundles'));
  return Worker.create({
    connection: options.connection,
    namespace: options.config.TEMPORAL_NAMESPACE,
    taskQueue: options.config.TEMPORAL_TASK_QUEUE,
    // Bundled ahead, in a process of its own (worker/engine/workflowBundle.ts): webpack never loads in the worker.
    workflowBundle: { codePath: workflowBundlePath },
    activities: createActivities(options.deps),
    dataConverter: options.dataConverter,
    interceptors: {
      activity: options.logger ? [livenessHeartbeats, slowStepLog(options.logger)] : [livenessHeartbeats],
    },
    // Let an in-flight vendor call finish (and record its result) instead of abandoning it on Ctrl-C.
    shutdownGraceTime: '10s',
    maxCachedWorkflows: options.config.TEMPORAL_MAX_CACHED_WORKFLOWS ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: options.config.TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentLocalActivityExecutions: options.config.TEMPORAL_MAX_CONCURRENT_LOCAL_ACTIVITIES,
  });
}
