/**
 * A firm's billing policy, read from configuration by whoever starts a workflow (worker/policy.ts) and carried in
 * its input. A contract between the starters and the workflows, so it lives here rather than in either.
 */
export interface BillingPolicy {
  debounceMs: number;
  thresholdCents: number;
  approval: 'none' | 'invoice';
  reminderScheduleMs: number[];
  timeZone: string;
}
