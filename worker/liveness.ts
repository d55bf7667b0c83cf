import type { Context } from '@temporalio/activity';
import type { ActivityInterceptors } from '@temporalio/worker';

/** Activities that heartbeat their own progress (details they resume from): a liveness beat would overwrite it. */
const REPORTS_OWN_PROGRESS = new Set(['billDueMatters']);

/**
 * A liveness heartbeat for every activity that has a heartbeat timeout: while this process runs the activity, it
 * beats; when the process dies (SIGKILL, OOM, a lost host), the beats stop and Temporal hands the activity to another
 * worker after the heartbeat timeout, not after its whole start-to-close timeout (minutes, for a vendor call that
 * may wait out a rate limit).
 */
export function livenessHeartbeats(ctx: Context): ActivityInterceptors {
  return {
    inbound: {
      async execute(input, next) {
        const timeoutMs = ctx.info.heartbeatTimeoutMs;
        if (!timeoutMs || REPORTS_OWN_PROGRESS.has(ctx.info.activityType)) return next(input);
        const beat = setInterval(() => ctx.heartbeat(), Math.max(1_000, Math.floor(timeoutMs / 3)));
        try {
          return await next(input);
        } finally {
          clearInterval(beat);
        }
      },
    },
  };
}
