import type { Context } from '@temporalio/activity';
import type { ActivityInterceptors } from '@temporalio/worker';
import type { Logger } from './logger';

/** A step this slow is worth a line in the log: a database write takes milliseconds, a vendor call well under this. */
export const SLOW_STEP_MS = 5_000;

/**
 * Logs every activity, local or not, that took longer than `SLOW_STEP_MS`, with the workflow it ran for: what an
 * admin (or a benchmark) needs to find the step a slow payment or invoice waited on, since a local activity never
 * appears in the Web UI's pending activities.
 */
export function slowStepLog(logger: Pick<Logger, 'warn'>) {
  return (ctx: Context): ActivityInterceptors => ({
    inbound: {
      async execute(input, next) {
        const startedAt = Date.now();
        try {
          return await next(input);
        } finally {
          const tookMs = Date.now() - startedAt;
          if (tookMs > SLOW_STEP_MS)
            logger.warn(
              {
                activity: ctx.info.activityType,
                local: ctx.info.isLocal,
                workflowId: ctx.info.workflowExecution?.workflowId,
                attempt: ctx.info.attempt,
                tookMs,
              },
              `slow step: ${ctx.info.activityType} took ${(tookMs / 1000).toFixed(1)} s`,
            );
        }
      },
    },
  });
}
