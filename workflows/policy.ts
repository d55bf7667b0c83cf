import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Retries for activities that call vendors: patient with outages (429/5xx are retried for hours, since the work
 * must happen eventually), immediate failure for what a retry cannot fix. A call may wait out a rate limit, so it
 * has minutes to finish. No heartbeat timeout yet: the worker beats for every running activity (worker/liveness.ts),
 * but the Java time-skipping test server skips days while an activity runs and fires a seconds-long heartbeat timeout
 * at once, so an activity on a worker that died is retried after its start-to-close timeout (README, chaos harness).
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
