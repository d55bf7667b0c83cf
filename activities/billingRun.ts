import { heartbeat } from '@temporalio/activity';
import { localDate } from '../domain/dates';
import { billNowSignal } from '../shared/messages';
import { FIRM_ID } from '../shared/searchAttributes';
import { workflowIds } from '../shared/workflowIds';
import type { BillingPolicy } from '../shared/billingPolicy';
import type { KnownMatter } from '../shared/knownMatter';
import type { ActivityDeps } from './deps';
import { workflowRef } from '../shared/workflowTypes';

export interface BillingRunResult {
  scanned: number;
  /** Open, billable matters whose billing day is today. */
  due: string[];
  /** Of those, the ones that had no billing workflow and were started with "bill now". */
  started: string[];
}

/** The day of the month a billing day falls on this month: a 31 bills on the 30th, 29th or 28th. */
function effectiveDay(billingDay: number, year: number, month: number): number {
  return Math.min(billingDay, new Date(Date.UTC(year, month, 0)).getUTCDate());
}

export function billingRunActivities(deps: ActivityDeps) {
  return {
    /**
     * The daily billing run (docs/architecture.md §3 `billingRun`): finds the matters whose billing day is today (firm-local) and
     * starts billing for any that has no running `matterBilling` workflow. Matters that have one bill themselves
     * on their billing date, so they are left alone: never two invoices for one billing date.
     */
    async billDueMatters(input: { firmId: string; nowMs: number; policy: BillingPolicy }): Promise<BillingRunResult> {
      const firm = deps.firm(input.firmId);
      if (!deps.temporal) throw new Error('the billing run needs a Temporal client');
      const { client, taskQueue } = deps.temporal;
      const [year, month, day] = localDate(input.nowMs, firm.timeZone).split('-').map(Number) as [
        number,
        number,
        number,
      ];
      const result: BillingRunResult = { scanned: 0, due: [], started: [] };
      // Each page reads every matter in full, so a due matter's evaluation need not read it again.
      const listed = new Map<string, KnownMatter>();
      let cursor: string | null = null;
      do {
        const page = await firm.practice.listMatterDetails(cursor, { pageSize: 200 });
        const readAtMs = Date.now();
        result.scanned += page.items.length;
        for (const m of page.items) {
          if (
            m.status === 'open' &&
            m.billingMethod !== 'contingency' &&
            m.billingDay !== null &&
            effectiveDay(m.billingDay, year, month) === day
          ) {
            result.due.push(m.id);
            listed.set(m.id, { matter: m, readAtMs });
          }
        }
        cursor = page.nextCursor;
        heartbeat({ scanned: result.scanned });
      } while (cursor);

      for (const matterId of result.due) {
        // Thousands of matters take minutes to start: a silent attempt would be retried beside itself.
        heartbeat({ scanned: result.scanned, started: result.started.length });
        const workflowId = workflowIds.matterBilling(input.firmId, matterId);
        const running = await client.workflow
          .getHandle(workflowId)
          .describe()
          .then(
            (d) => d.status.name === 'RUNNING',
            () => false,
          );
        if (running) continue;
        // Signal-with-start: the "bill now" is in the new workflow's history before its first decision.
        await client.workflow.signalWithStart(workflowRef('matterBilling'), {
          taskQueue,
          workflowId,
          args: [{ firmId: input.firmId, matterId, policy: input.policy }],
          typedSearchAttributes: [{ key: FIRM_ID, value: input.firmId }],
          signal: billNowSignal,
          signalArgs: [{ reason: 'billing run', listed: listed.get(matterId) }],
        });
        result.started.push(matterId);
      }
      return result;
    },
  };
}
