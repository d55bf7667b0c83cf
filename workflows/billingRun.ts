import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { BillingRunResult } from '../activities/billingRun';
import type { BillingPolicy } from '../shared/billingPolicy';
import { vendorActivityOptions } from './policy';

const { billDueMatters } = proxyActivities<Activities>({
  ...vendorActivityOptions,
  heartbeatTimeout: '2 minutes',
  startToCloseTimeout: '30 minutes',
});

/**
 * Run daily by a Temporal Schedule (and by `matterpay bill --due`): makes sure every matter whose billing day is
 * today is billed, including matters the practice system has not mentioned since matterpay started.
 */
export async function billingRun(input: { firmId: string; policy: BillingPolicy }): Promise<BillingRunResult> {
  return billDueMatters({ firmId: input.firmId, nowMs: Date.now(), policy: input.policy });
}
