import type { SubscriptionUpkeep } from '../connectors/ports';
import type { ActivityDeps } from './deps';

export function webhookActivities(deps: ActivityDeps) {
  return {
    /** Idempotent: each run checks every webhook and changes only what needs it (docs/architecture.md §5). */
    async maintainPracticeWebhooks(input: { firmId: string }): Promise<SubscriptionUpkeep[]> {
      const maintain = deps.firm(input.firmId).maintainWebhooks;
      return maintain ? maintain() : [];
    },
  };
}
