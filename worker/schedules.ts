import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsAction,
} from '@temporalio/client';
import { scheduleIds } from '../shared/workflowIds';
import { workflowRef } from '../shared/workflowTypes';
import type { Config } from './config';
import type { Logger } from './logger';
import { billingPolicy } from './policy';

/** Each sweep looks back three intervals (at least an hour), so consecutive sweeps overlap generously. */
export function sweepLookbackMs(config: Config): number {
  return Math.max(3 * config.SWEEP_INTERVAL, 3_600_000);
}

export function sweepAction(config: Config, firmId: string, workflowId: string): ScheduleOptionsAction {
  return {
    type: 'startWorkflow',
    workflowType: workflowRef('reconciliationSweep'),
    workflowId,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ firmId, lookbackMs: sweepLookbackMs(config), policy: billingPolicy(config) }],
  };
}

/**
 * The reconciliation sweep as a Temporal Schedule per firm (docs/domain.md §4.6), visible and pausable in the Web UI.
 * Created on start; an existing schedule is updated to the configured interval.
 */
export async function ensureSweepSchedule(
  client: Client,
  config: Config,
  firmId: string,
  logger: Logger,
): Promise<void> {
  const scheduleId = scheduleIds.reconciliationSweep(firmId);
  const spec = { intervals: [{ every: config.SWEEP_INTERVAL }] };
  const action = sweepAction(config, firmId, scheduleId);
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      memo: { summary: `Reconciliation sweep for ${firmId}` },
    });
    logger.info({ scheduleId, everyMs: config.SWEEP_INTERVAL }, 'created the reconciliation sweep schedule');
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
}

/** Daily upkeep of the practice system's webhooks (renewal before expiry, re-activation), per firm. */
export async function ensureWebhookMaintenanceSchedule(client: Client, config: Config, firmId: string): Promise<void> {
  const scheduleId = scheduleIds.practiceWebhooks(firmId);
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: workflowRef('maintainPracticeWebhooks'),
    workflowId: scheduleId,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ firmId }],
  };
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1 day' }] },
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { summary: `Clio webhook upkeep for ${firmId}` },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}

/** The daily billing run (docs/architecture.md §3), at 06:00 on the firm's clock. */
export async function ensureBillingRunSchedule(client: Client, config: Config, firmId: string): Promise<void> {
  const scheduleId = scheduleIds.billingRun(firmId);
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: workflowRef('billingRun'),
    workflowId: scheduleId,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ firmId, policy: billingPolicy(config) }],
  };
  const spec = { calendars: [{ hour: 6, minute: 0 }], timezone: config.FIRM_TIMEZONE };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { summary: `Daily billing run for ${firmId}` },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
}
