import { ReconcileStateValues } from '../shared/reconcileState';
import { retryMatchSignal } from '../shared/messages';
import type { ActivityDeps } from './deps';

export function wakeParkedActivities(deps: ActivityDeps) {
  return {
    /** Signals every parked (unmatched) payment of the firm to try its match again, after a mapping was added. */
    async wakeParkedPayments(input: { firmId: string }): Promise<number> {
      if (!deps.temporal) return 0;
      const { client } = deps.temporal;
      let woken = 0;
      const query = `ReconcileState = '${ReconcileStateValues.unmatched}' AND FirmId = '${input.firmId.replace(/'/g, '')}' AND ExecutionStatus = 'Running'`;
      for await (const execution of client.workflow.list({ query })) {
        // Visibility lags: a payment that just finished may still be listed. Count only the signals delivered.
        const delivered = await client.workflow.getHandle(execution.workflowId).signal(retryMatchSignal).then(() => true, () => false);
        if (delivered) woken++;
      }
      return woken;
    },
  };
}
