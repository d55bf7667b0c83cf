import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { vendorActivityOptions } from './policy';

const { maintainPracticeWebhooks: maintain } = proxyActivities<Activities>(vendorActivityOptions);

/**
 * Run daily by a Temporal Schedule: Clio webhooks last at most 31 days and can be suspended after failed
 * deliveries, so they are renewed a week before expiry and re-activated when needed.
 */
export async function maintainPracticeWebhooks(input: { firmId: string }): Promise<Array<{ model: string; action: string }>> {
  return maintain(input);
}
