import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { heartbeatTimeoutFor } from './policy';

/**
 * A workflow interceptor module that gives every activity the heartbeat timeout of its kind (workflows/policy.ts),
 * unless the workflow set one itself. With it, an activity on a worker that died (SIGKILL, OOM, a lost host) is
 * handed to another worker once the liveness beats (worker/liveness.ts) stop, seconds after the crash instead of
 * after its whole start-to-close timeout.
 *
 * A module of its own, registered by the production worker (bin/bundle-workflows.js) and by dev-server test workers,
 * because the Java time-skipping test server skips days while an activity runs and fires any seconds-long heartbeat
 * timeout at once: its workers leave this module out. A heartbeat timeout is not part of what replay compares, so
 * workflows started with or without it replay with or without it (test/replay).
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      scheduleActivity(input, next) {
        if (input.options.heartbeatTimeout !== undefined) return next(input);
        return next({ ...input, options: { ...input.options, heartbeatTimeout: heartbeatTimeoutFor(input.options) } });
      },
    },
  ],
});
