import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { echo } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });

/** The engine's unit of work for the ceiling: one workflow, one activity, as a new user's first worker runs it. */
export async function oneActivity(value: string): Promise<string> {
  return echo(value);
}
