import type { Client } from '@temporalio/client';
import type { Payment } from '../connectors';
import { ReconcileStateValues } from '../shared/reconcileState';
import { FIRM_ID, RECONCILE_STATE } from '../shared/searchAttributes';
import {
  matterStatusChangedSignal,
  timeEntryApprovedSignal,
  transactionChangedSignal,
  type MatterStatusChanged,
  type TimeEntryApproved,
} from '../shared/messages';
import type { paymentReconciliation } from '../workflows/paymentReconciliation';
import { workflowIds } from '../shared/workflowIds';
import type { Config } from './config';
import { billingPolicy } from './policy';
import { workflowRef } from '../shared/workflowTypes';

/**
 * Starts-or-signals a matter's billing workflow. The workflow ID is the matter, so a duplicate webhook signals the
 * one running workflow instead of starting a second: Temporal itself is the first line of idempotency.
 */
export async function signalMatterBilling(
  client: Client,
  config: Config,
  firmId: string,
  matterId: string,
  event:
    | { kind: 'timeEntryApproved'; payload: TimeEntryApproved }
    | { kind: 'matterStatusChanged'; payload: MatterStatusChanged },
): Promise<void> {
  const common = {
    workflowId: workflowIds.matterBilling(firmId, matterId),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ firmId, matterId, policy: billingPolicy(config) }] as const,
    typedSearchAttributes: [{ key: FIRM_ID, value: firmId }],
  };
  if (event.kind === 'timeEntryApproved') {
    await client.workflow.signalWithStart(workflowRef('matterBilling'), {
      ...common,
      args: [...common.args],
      signal: timeEntryApprovedSignal,
      signalArgs: [event.payload],
    });
  } else {
    await client.workflow.signalWithStart(workflowRef('matterBilling'), {
      ...common,
      args: [...common.args],
      signal: matterStatusChangedSignal,
      signalArgs: [event.payload],
    });
  }
}

/**
 * Starts a transaction's reconciliation, or tells the running one that the transaction changed (docs/architecture.md §3): a
 * `failed` followed by `succeeded` for one PaymentIntent, or a void after a charge, is never dropped because the
 * first event's workflow is still running. The workflow reads the transaction's current state before it decides.
 */
export async function startOrSignalReconciliation(
  client: Client,
  config: Config,
  firmId: string,
  payment: Payment,
  options: { readJustNow?: boolean } = {},
): Promise<void> {
  await client.workflow.signalWithStart<typeof paymentReconciliation, [{ status: string }]>(
    workflowRef('paymentReconciliation'),
    {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: workflowIds.paymentReconciliation(firmId, payment.processor, payment.transactionId),
      args: [{ firmId, payment, policy: billingPolicy(config), ...(options.readJustNow ? { readJustNow: true } : {}) }],
      signal: transactionChangedSignal,
      signalArgs: [{ status: payment.status }],
      typedSearchAttributes: [
        { key: FIRM_ID, value: firmId },
        { key: RECONCILE_STATE, value: ReconcileStateValues.pending },
      ],
    },
  );
}
