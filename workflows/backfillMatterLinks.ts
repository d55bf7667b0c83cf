import {
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { backfillProgressQuery, type BackfillProgress } from '../shared/messages';
import { FIRM_ID } from '../shared/searchAttributes';
import { vendorActivityOptions } from './policy';

const activities = proxyActivities<Activities>(vendorActivityOptions);

/** Pages per run before continuing as new: about 150 history events, far from Temporal's limits. */
export const BACKFILL_PAGES_PER_RUN = 25;

export interface BackfillInput {
  firmId: string;
  runId: string;
  /** Where the previous run stopped (carried across continue-as-new); null or absent: the first page. */
  cursor?: string | null;
  /** The totals so far (carried across continue-as-new). */
  progress?: BackfillProgress;
  /** Pages per run before continuing as new; default BACKFILL_PAGES_PER_RUN (tests lower it). */
  pagesPerRun?: number;
}

/** What the workflow returns: the final progress, and how many parked payments it asked to retry their match. */
export interface BackfillResult extends BackfillProgress {
  parkedPaymentsWoken: number;
}

/**
 * `backfill/<firm>/<runId>` (docs/architecture.md §3, §4.6): pages through every matter of the practice system and fills the
 * matter-ID lookup table, one activity per page. Resumable: a worker that dies mid-way is replaced by any other
 * (the history says which pages are done; a page in flight is retried, and adds only the rows it had not added);
 * every 25 pages the workflow continues as new with its cursor and totals, so its history stays small however
 * many matters the firm has. At the end, parked payments are told to retry their match against the new rows.
 */
export async function backfillMatterLinks(input: BackfillInput): Promise<BackfillResult> {
  const { firmId, runId } = input;
  const pagesPerRun = Math.max(1, input.pagesPerRun ?? BACKFILL_PAGES_PER_RUN);
  const progress: BackfillProgress = input.progress
    ? { ...input.progress }
    : { firmId, runId, pages: 0, matters: 0, linksAdded: 0, done: false };
  let cursor = input.cursor ?? null;

  setHandler(backfillProgressQuery, () => ({ ...progress }));

  if (workflowInfo().typedSearchAttributes.get(FIRM_ID) !== firmId) {
    upsertSearchAttributes([{ key: FIRM_ID, value: firmId }]);
  }

  let morePages = !progress.done;
  for (let pagesThisRun = 0; morePages; pagesThisRun++) {
    if (pagesThisRun >= pagesPerRun || (pagesThisRun > 0 && workflowInfo().continueAsNewSuggested)) {
      log.info('backfill continues as new', { pages: progress.pages, matters: progress.matters });
      return continueAsNew<typeof backfillMatterLinks>({
        firmId,
        runId,
        cursor,
        progress,
        pagesPerRun: input.pagesPerRun,
      });
    }
    const page = await activities.backfillMatterPage({ firmId, cursor });
    progress.pages += 1;
    progress.matters += page.matters;
    progress.linksAdded += page.linksAdded;
    cursor = page.nextCursor;
    morePages = cursor !== null;
  }

  const parkedPaymentsWoken = await activities.wakeParkedPayments({ firmId });
  progress.done = true;
  log.info('backfill done', { ...progress, parkedPaymentsWoken });
  return { ...progress, parkedPaymentsWoken };
}
