import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';

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
 * Vendor steps that must happen however long the vendor takes, retried as a vendor call with no six-hour limit: a
 * matter's billing evaluation (its workflow bills every later period, so it must not fail), the trust draw an
 * invoice waits on before it is issued (a practice system down for an evening of month-end must not
 * end the invoice's workflow with nothing issued), and closing a void invoice's processor checkouts (a session left
 * open could still take money the invoice no longer asks for; meanwhile the firm has a `checkout-not-expired` alert,
 * activities/checkouts.ts, and the invoice shows void). The Web UI shows such a step pending, with its last failure.
 */
export const untilDoneVendorActivityOptions: ActivityOptions = {
  startToCloseTimeout: vendorActivityOptions.startToCloseTimeout,
  retry: vendorActivityOptions.retry,
};

/**
 * The same steps run as local activities: in the worker, inside the workflow task that asked for them, their results
 * recorded with that task's completion. A payment's read, its ledger write and its receipt cost no server round trip
 * (schedule, start, complete and a new workflow task each), which on the embedded server was most of a payment's
 * cost (README, *Payments against the engine's ceiling*). Only for steps that are idempotent by key, because a
 * workflow task that fails runs its local activities again; retries past a minute wait on a durable timer.
 */
export const vendorLocalActivityOptions: LocalActivityOptions = {
  startToCloseTimeout: vendorActivityOptions.startToCloseTimeout,
  scheduleToCloseTimeout: vendorActivityOptions.scheduleToCloseTimeout,
  retry: vendorActivityOptions.retry,
};

export const storeLocalActivityOptions: LocalActivityOptions = {
  startToCloseTimeout: storeActivityOptions.startToCloseTimeout,
  retry: storeActivityOptions.retry,
};

/**
 * A payment's follow-ups (activities/paymentFollowUps.ts): a vendor call's time to finish, since expiring a checkout
 * calls the processor, and the store's retries, which never give up on a receipt or a wake-up the firm relies on.
 */
export const followUpLocalActivityOptions: LocalActivityOptions = {
  startToCloseTimeout: vendorActivityOptions.startToCloseTimeout,
  retry: storeActivityOptions.retry,
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
