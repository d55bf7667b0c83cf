import type { BillingPolicy } from '../shared/billingPolicy';
import type { Config } from './config';

/** The firm's billing policy from configuration, as workflows receive it in their input. */
export function billingPolicy(config: Config): BillingPolicy {
  return {
    debounceMs: config.BILLING_DEBOUNCE,
    thresholdCents: config.BILLING_THRESHOLD_CENTS,
    approval: config.APPROVAL,
    reminderScheduleMs: config.REMINDER_SCHEDULE,
    timeZone: config.FIRM_TIMEZONE,
  };
}
