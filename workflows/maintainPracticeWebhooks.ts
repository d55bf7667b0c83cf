import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { SubscriptionUpkeep } from '../connectors/ports';
import { vendorActivityOptions } from './policy';

const { maintainPracticeWebhooks: maintain } = proxyActivities<Activities>(vendorActivityOptions);

/**
 * Run daily by a Temporal Schedule: a practice system's webhooks expire (Clio's within 31 days) and can be
 * suspended after failed deliveries, so the connector renews and re-activates them (its port's upkeep).
 */
export async function maintainPracticeWebhooks(input: { firmId: string }): Promise<SubscriptionUpkeep[]> {
  return maintain(input);
}
