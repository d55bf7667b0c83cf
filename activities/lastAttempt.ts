import { Context } from '@temporalio/activity';
import { VendorUnavailableError } from '../connectors/errors';

/** How close to its schedule-to-close limit an attempt counts as the last: more than one retry's wait and run. */
const LAST_ATTEMPT_WINDOW_MS = 30 * 60_000;

/**
 * For an outage (`VendorUnavailableError`) met on one of the last attempts its step's schedule-to-close limit leaves
 * room for (workflows/policy.ts: six hours for a vendor step), the hours since the step was first scheduled;
 * otherwise null, and null outside an activity. A step that would rather hold its work than fail its workflow asks
 * this before it rethrows: after the limit the failure would reach the workflow.
 */
export function outageHoursOnLastAttempts(err: unknown): number | null {
  if (!(err instanceof VendorUnavailableError)) return null;
  let info: ReturnType<typeof Context.current>['info'];
  try {
    info = Context.current().info;
  } catch {
    return null;
  }
  const limitMs = info.scheduleToCloseTimeoutMs;
  // A limit this short (none is, today) would make every attempt a last one: such a step is not held.
  if (!limitMs || limitMs <= 2 * LAST_ATTEMPT_WINDOW_MS) return null;
  // Both times are the server's, so a worker's clock (or a test's skipped time) does not move the answer.
  const elapsedMs = info.currentAttemptScheduledTimestampMs - info.scheduledTimestampMs;
  return limitMs - elapsedMs <= LAST_ATTEMPT_WINDOW_MS ? Math.floor(elapsedMs / 3_600_000) : null;
}
