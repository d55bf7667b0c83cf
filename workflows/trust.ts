import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { TrustStatementOutcome } from '../activities/trustStatements';
import type { TrustReportData } from '../domain/trustReconciliation';
import { vendorActivityOptions } from './policy';

const activities = proxyActivities<Activities>({ ...vendorActivityOptions, scheduleToCloseTimeout: '30 minutes' });

export interface TrustMonthInput {
  firmId: string;
  month: string;
}

/**
 * `matterpay trust-report`: gathers the month's trust data on a worker (which holds the firm's connections). The
 * report is computed from it by the command, so a bookkeeper's bank figures never travel through a workflow.
 */
export async function trustReportData(input: TrustMonthInput): Promise<TrustReportData> {
  return activities.gatherTrustReport(input);
}

/** `matterpay trust-statements`: one statement per client with trust activity in the month, each sent once. */
export async function trustStatements(input: TrustMonthInput): Promise<TrustStatementOutcome[]> {
  const matterIds = await activities.trustStatementMatters(input);
  const outcomes: TrustStatementOutcome[] = [];
  for (const matterId of matterIds) outcomes.push(await activities.sendTrustStatement({ ...input, matterId }));
  return outcomes;
}
