import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker, makeTelemetryFilterString, type LogLevel } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { createActivities, type ActivityDeps } from '../activities';
import type { Config } from './config';
import { ensureWorkflowBundle } from './engine/workflowBundle';
import type { Logger } from './logger';

let runtimeInstalled = false;

/** Routes the SDK's and core's logs into our pino logger. Once per process, before any Worker exists. */
export function installTemporalRuntime(logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const temporalLogger = logger.child({ component: 'temporal' });
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      const level = entry.level.toLowerCase() as Lowercase<LogLevel>;
      const log = level === 'trace' ? temporalLogger.trace.bind(temporalLogger) : temporalLogger[level].bind(temporalLogger);
      log({ ...entry.meta }, entry.message);
    }),
    telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) } },
  });
}

export async function createWorker(options: {
  config: Config;
  connection: NativeConnection;
  deps: ActivityDeps;
  dataConverter?: DataConverter;
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
    // Let an in-flight vendor call finish (and record its result) instead of abandoning it on Ctrl-C.
    shutdownGraceTime: '10s',
    maxCachedWorkflows: options.config.TEMPORAL_MAX_CACHED_WORKFLOWS,
  });
}
