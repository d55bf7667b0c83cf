import type { Client } from '@temporalio/client';
import { FIRM_ID } from '../shared/searchAttributes';
import { matterStatusChangedSignal, timeEntryApprovedSignal, type MatterStatusChanged, type TimeEntryApproved } from '../shared/messages';
import { workflowIds } from '../shared/workflowIds';
import type { Config } from './config';
import { billingPolicy } from './policy';

/**
 * Starts-or-signals a matter's billing workflow. The workflow ID is the matter, so a duplicate webhook signals the
 * one running workflow instead of starting a second: Temporal itself is the first line of idempotency.
 */
export async function signalMatterBilling(
  client: Client, config: Config, firmId: string, matterId: string,
  event: { kind: 'timeEntryApproved'; payload: TimeEntryApproved } | { kind: 'matterStatusChanged'; payload: MatterStatusChanged },
): Promise<void> {
  const common = {
    workflowId: workflowIds.matterBilling(firmId, matterId),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ firmId, matterId, policy: billingPolicy(config) }] as const,
    typedSearchAttributes: [{ key: FIRM_ID, value: firmId }],
  };
  if (event.kind === 'timeEntryApproved') {
    await client.workflow.signalWithStart('matterBilling', { ...common, args: [...common.args], signal: timeEntryApprovedSignal, signalArgs: [event.payload] });
  } else {
    await client.workflow.signalWithStart('matterBilling', { ...common, args: [...common.args], signal: matterStatusChangedSignal, signalArgs: [event.payload] });
  }
}
