import { DefaultLogger, NativeConnection, Runtime, Worker, makeTelemetryFilterString, type LogLevel } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { createActivities, type ActivityDeps } from '../activities';
import type { Config } from './config';
import { livenessHeartbeats } from './liveness';
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
  return Worker.create({
    connection: options.connection,
    namespace: options.config.TEMPORAL_NAMESPACE,
    taskQueue: options.config.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities(options.deps),
    dataConverter: options.dataConverter,
    interceptors: { activity: [livenessHeartbeats] },
    // Let an in-flight vendor call finish (and record its result) instead of abandoning it on Ctrl-C.
    shutdownGraceTime: '10s',
  });
}
