import { retryMatchSignal } from '../shared/messages';
import { ReconcileStateValues } from '../shared/reconcileState';
import { workflowIds } from '../shared/workflowIds';
import { PaymentRepository } from '../store/payments';
import type { ActivityDeps } from './deps';

export function wakeParkedActivities(deps: ActivityDeps) {
  const payments = new PaymentRepository(deps.db);
  return {
    /**
     * Signals every parked payment of the firm (unmatched, or parked on an invoice that could not take it) to try
     * its match again, after a mapping was added. The store says which are parked (it is the money truth, and has no
     * visibility lag; their workflow IDs follow from the transaction), and visibility adds any the store cannot name. Counts only the signals delivered: a payment
     * whose workflow finished meanwhile is not counted.
     */
    async wakeParkedPayments(input: { firmId: string }): Promise<number> {
      if (!deps.temporal) return 0;
      const { client } = deps.temporal;
      const ids = new Set<string>();
      for (const row of [
        ...(await payments.list(input.firmId, { state: 'unmatched' })),
        ...(await payments.list(input.firmId, { state: 'parked' })),
      ]) {
        ids.add(workflowIds.paymentReconciliation(input.firmId, row.processor, row.transactionId));
      }
      // Also what visibility lists as parked: a workflow started before its first ledger row, or under an older ID.
      const firm = input.firmId.replace(/'/g, '');
      for (const state of [ReconcileStateValues.unmatched, ReconcileStateValues.parked]) {
        for await (const execution of client.workflow.list({
          query: `ReconcileState = '${state}' AND FirmId = '${firm}' AND ExecutionStatus = 'Running'`,
        })) {
          ids.add(execution.workflowId);
        }
      }
      let woken = 0;
      for (const workflowId of ids) {
        const delivered = await client.workflow
          .getHandle(workflowId)
          .signal(retryMatchSignal)
          .then(
            () => true,
            () => false,
          );
        if (delivered) woken++;
      }
      return woken;
    },
  };
}
