import {
  ParentClosePolicy,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  startChild,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities';
import { transactionChangedSignal } from '../shared/messages';
import { FIRM_ID, RECONCILE_STATE } from '../shared/searchAttributes';
import { ReconcileStateValues } from '../shared/reconcileState';
import { workflowIds } from '../shared/workflowIds';
import { paymentReconciliation } from './paymentReconciliation';
import type { BillingPolicy } from '../shared/billingPolicy';
import { vendorActivityOptions } from './policy';

const activities = proxyActivities<Activities>(vendorActivityOptions);
const SIGNALS_RUNNING_RECONCILIATIONS = 'sweep-firm-ids-and-signals';

export interface SweepInput {
  firmId: string;
  /** How far back to look. Longer than the interval, so consecutive sweeps overlap and nothing falls between. */
  lookbackMs: number;
  policy: BillingPolicy;
}

export interface SweepResult {
  scanned: number;
  started: string[];
}

/**
 * Run by a Temporal Schedule (and by `matterpay sweep`): lists the processor's recent transactions and starts
 * reconciliation for any the store has not recorded in its current state: the safety net for missed webhooks.
 */
export async function reconciliationSweep(input: SweepInput): Promise<SweepResult> {
  const sinceIso = new Date(Date.now() - input.lookbackMs).toISOString();
  const result: SweepResult = { scanned: 0, started: [] };
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<Activities['sweepPage']>> = await activities.sweepPage({
      firmId: input.firmId,
      sinceIso,
      cursor,
    });
    result.scanned += page.scanned;
    for (const payment of page.unrecorded) {
      // Sweeps started before payment IDs named the firm keep the old ID and start-only behaviour on replay.
      const current = patched(SIGNALS_RUNNING_RECONCILIATIONS);
      const workflowId = current
        ? workflowIds.paymentReconciliation(input.firmId, payment.processor, payment.transactionId)
        : workflowIds.legacyPaymentReconciliation(payment.processor, payment.transactionId);
      try {
        await startChild(paymentReconciliation, {
          workflowId,
          args: [{ firmId: input.firmId, payment, policy: input.policy }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          typedSearchAttributes: [
            { key: FIRM_ID, value: input.firmId },
            { key: RECONCILE_STATE, value: ReconcileStateValues.pending },
          ],
        });
        result.started.push(workflowId);
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        if (!current) continue;
        // A webhook got there first and its workflow is still running (parked, or applying an earlier state): it
        // reads the transaction again, so the state the sweep saw is not lost.
        await getExternalWorkflowHandle(workflowId)
          .signal(transactionChangedSignal, { status: payment.status })
          .catch(() => undefined);
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return result;
}
