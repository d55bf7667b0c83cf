import type { ActivityDeps } from './deps';

export function webhookActivities(deps: ActivityDeps) {
  return {
    /** Idempotent: each run checks every webhook and changes only what needs it (DESIGN §5, Clio webhook lifecycle). */
    async maintainPracticeWebhooks(input: { firmId: string }): Promise<Array<{ model: string; action: string }>> {
      const maintain = deps.firm(input.firmId).maintainWebhooks;
      return maintain ? maintain() : [];
    },
  };
}
