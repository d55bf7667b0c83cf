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
 * The activities each worker process is running right now, as Temporal sees them, by process id (each pending
 * activity names the identity of the worker that took it: `<pid>@<host>` by default).
 */
export async function activitiesInFlightByWorker(
  client: WorkflowClient,
  limit = 400,
): Promise<Map<number, InFlightActivity[]>> {
  const found = new Map<number, InFlightActivity[]>();
  const workflowIds: string[] = [];
  for await (const execution of client.list({ query: 'ExecutionStatus = "Running"' })) {
    workflowIds.push(execution.workflowId);
    if (workflowIds.length >= limit) break;
  }
  await Promise.all(
    workflowIds.map(async (workflowId) => {
      const description = await client
        .getHandle(workflowId)
        .describe()
        .catch(() => null);
      for (const activity of description?.raw.pendingActivities ?? []) {
        // PENDING_ACTIVITY_STATE_STARTED = 2
        if (Number(activity.state) !== 2) continue;
        const pid = Number(String(activity.lastWorkerIdentity ?? '').split('@')[0]);
        if (!Number.isInteger(pid)) continue;
        found.set(pid, [
          ...(found.get(pid) ?? []),
          {
            workflowId,
            activityId: String(activity.activityId),
            activityType: String(activity.activityType?.name ?? '?'),
            attempt: Number(activity.attempt ?? 1),
          },
        ]);
      }
    }),
  );
  return found;
}

export interface Recovery {
  /** Until Temporal took every activity the dead worker held away from it (retried elsewhere, or finished). */
  releasedMs: number | null;
  /** Until every one of them finished, including its retries' backoff and the faults it met meanwhile. */
  finishedMs: number | null;
}

/**
 * How long a kill held up the activities the dead worker was running. An activity is released once Temporal noticed
 * the death: it is no longer pending, or it is on a later attempt, or another worker runs it. Polled once a second
 * (a describe per workflow: a kill can leave a hundred activities in flight, and the server is shared with the run).
 */
export async function recoveryLag(
  client: WorkflowClient,
  activities: InFlightActivity[],
  since: number,
  deadPid: number,
  /** The run settled: stop watching (what has not finished by then is reported as such). */
  stop: AbortSignal,
): Promise<Recovery> {
  const key = (workflowId: string, activityId: string) => `${workflowId}\u0000${activityId}`;
  const held = new Map(activities.map((a) => [key(a.workflowId, a.activityId), a]));
  const unfinished = new Set(held.keys());
  const recovery: Recovery = { releasedMs: null, finishedMs: null };
  while (unfinished.size > 0 && !stop.aborted) {
    const workflows = new Set([...unfinished].map((k) => k.split('\u0000')[0]!));
    await Promise.all(
      [...workflows].map(async (workflowId) => {
        const description = await client
          .getHandle(workflowId)
          .describe()
          .catch(() => null);
        if (!description) return;
        const pending = new Map(
          (description.raw.pendingActivities ?? []).map((a) => [key(workflowId, String(a.activityId)), a]),
        );
        for (const k of [...unfinished].filter((k) => k.startsWith(`${workflowId}\u0000`))) {
          const now = pending.get(k);
          if (!now) {
            unfinished.delete(k);
            held.delete(k);
            continue;
          }
          const stillOnDeadWorker =
            Number(now.attempt ?? 1) === held.get(k)?.attempt &&
            String(now.lastWorkerIdentity ?? '').startsWith(`${deadPid}@`);
          if (!stillOnDeadWorker) held.delete(k);
        }
      }),
    );
    if (held.size === 0 && recovery.releasedMs === null) recovery.releasedMs = Date.now() - since;
    // Once released, the finish is only for the printout: look less often, the server is shared with the run.
    if (unfinished.size > 0) await new Promise((resolve) => setTimeout(resolve, held.size > 0 ? 1_000 : 5_000));
  }
  if (unfinished.size === 0) recovery.finishedMs = Date.now() - since;
  if (held.size === 0 && recovery.releasedMs === null) recovery.releasedMs = Date.now() - since;
  return recovery;
}
