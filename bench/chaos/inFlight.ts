import type { WorkflowClient } from '@temporalio/client';

export interface InFlightActivity {
  workflowId: string;
  activityId: string;
  activityType: string;
  attempt: number;
}

/** Activities of money: a kill during one of these is the one that could lose or double a payment. */
export const MONEY_ACTIVITY = /payment|trust|draw|settle|void|issue|credit|transaction|refund|receipt/i;

/**
 * The activities a given worker process is running right now, as Temporal sees them (each pending activity names
 * the identity of the worker that took it: `<pid>@<host>` by default).
 */
export async function activitiesInFlightOn(
  client: WorkflowClient,
  pid: number,
  limit = 400,
): Promise<InFlightActivity[]> {
  const found: InFlightActivity[] = [];
  let scanned = 0;
  const handles: string[] = [];
  for await (const execution of client.list({ query: 'ExecutionStatus = "Running"' })) {
    handles.push(execution.workflowId);
    if (++scanned >= limit) break;
  }
  await Promise.all(
    handles.map(async (workflowId) => {
      const description = await client
        .getHandle(workflowId)
        .describe()
        .catch(() => null);
      for (const activity of description?.raw.pendingActivities ?? []) {
        // PENDING_ACTIVITY_STATE_STARTED = 2
        if (Number(activity.state) !== 2) continue;
        if (!String(activity.lastWorkerIdentity ?? '').startsWith(`${pid}@`)) continue;
        found.push({
          workflowId,
          activityId: String(activity.activityId),
          activityType: String(activity.activityType?.name ?? '?'),
          attempt: Number(activity.attempt ?? 1),
        });
      }
    }),
  );
  return found;
}

/** Resolves with the milliseconds until none of `activities` is still pending (retried and finished elsewhere). */
export async function recoveryLag(
  client: WorkflowClient,
  activities: InFlightActivity[],
  since: number,
  timeoutMs: number,
): Promise<number | null> {
  const remaining = new Set(activities.map((a) => `${a.workflowId}\u0000${a.activityId}`));
  const deadline = Date.now() + timeoutMs;
  while (remaining.size > 0) {
    if (Date.now() > deadline) return null;
    await Promise.all(
      [...remaining].map(async (key) => {
        const [workflowId, activityId] = key.split('\u0000') as [string, string];
        const description = await client
          .getHandle(workflowId)
          .describe()
          .catch(() => null);
        if (!description) return;
        const pending = (description.raw.pendingActivities ?? []).some((a) => String(a.activityId) === activityId);
        if (!pending) remaining.delete(key);
      }),
    );
    if (remaining.size > 0) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return Date.now() - since;
}
