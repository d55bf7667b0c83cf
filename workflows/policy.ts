import type { ActivityOptions } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';

/** A firm's billing policy, read from configuration by whoever starts a workflow and carried in its input. */
export interface BillingPolicy {
  debounceMs: number;
  thresholdCents: number;
  approval: 'none' | 'invoice';
  reminderScheduleMs: number[];
  timeZone: string;
}

/**
 * Retries for activities that call vendors: patient with outages (429/5xx are retried for hours, since the work
 * must happen eventually), immediate failure for what a retry cannot fix. A call may wait out a rate limit, so it
 * has minutes to finish; its heartbeat timeout (below) says much sooner that its worker died.
 */
export const vendorActivityOptions: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '6 hours',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['VendorRejectedError', 'VendorSchemaError', 'InvoiceRuleError', 'UnknownFirmError'],
  },
};

/**
 * Activities that only read and write matterpay's own database: they finish in milliseconds, so a worker that dies
 * mid-call is noticed in seconds, not minutes, and the step is retried at once on another worker.
 */
export const storeActivityOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['InvoiceRuleError', 'UnknownFirmError'],
  },
};

/**
 * How long an activity's worker may stay silent before Temporal gives the activity to another worker. The worker
 * beats for every running activity (worker/liveness.ts), so only a dead worker goes silent. A vendor call gets more
 * slack (its process may be busy with many calls waiting out a rate limit) than a database write. Set by the
 * workflows/heartbeatTimeouts.ts interceptor, which the time-skipping test workers leave out.
 */
export const HEARTBEAT_TIMEOUTS = { vendor: '15 seconds', store: '10 seconds' } as const satisfies Record<
  string,
  Duration
>;

/** A store activity is one given the store's start-to-close timeout; every other activity calls a vendor. */
export function heartbeatTimeoutFor(options: ActivityOptions): Duration {
  return options.startToCloseTimeout === storeActivityOptions.startToCloseTimeout
    ? HEARTBEAT_TIMEOUTS.store
    : HEARTBEAT_TIMEOUTS.vendor;
}
