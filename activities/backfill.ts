import { log } from '@temporalio/activity';
import type { MatterSummary } from '../connectors/ports';
import { parseInvoiceNumber } from '../domain/invoiceNumber';
import { MatterLinkRepository, type MatterLink } from '../store/matterLinks';
import type { ActivityDeps } from './deps';

/** Matters per practice-system page: Clio's maximum `limit`. */
export const BACKFILL_PAGE_SIZE = 200;

/** matter_links.external_reference holds 1 to 255 characters (store/migrations/0001). */
const MAX_REFERENCE_LENGTH = 255;

export interface BackfillPageInput {
  firmId: string;
  /** Null for the first page; then the `nextCursor` of the page before. */
  cursor: string | null;
}

export interface BackfillPageResult {
  /** Matters on this page. */
  matters: number;
  /** Rows really inserted into the lookup table (a page run again adds 0). */
  linksAdded: number;
  /** Null after the last page. */
  nextCursor: string | null;
}

/**
 * The lookup-table rows one matter gives (docs/domain.md §4.6): always its canonical row (display number → matter), and a
 * legacy row for its client reference when that is a reference of its own: not empty, not the display number, and
 * not one of matterpay's invoice numbers on this matter (matterpay writes those into the reference field, and the
 * canonical row already resolves them).
 */
export function matterLinksFor(matter: MatterSummary): MatterLink[] {
  const links: MatterLink[] = [];
  const displayNumber = matter.displayNumber.trim();
  if (displayNumber.length >= 1 && displayNumber.length <= MAX_REFERENCE_LENGTH) {
    links.push({
      processor: 'any',
      externalReference: displayNumber,
      practiceMatterId: matter.id,
      matterDisplayNumber: displayNumber,
      source: 'backfill',
    });
  }
  const reference = matter.clientReference?.trim() ?? '';
  if (reference === '' || reference === displayNumber) return links;
  if (parseInvoiceNumber(reference)?.matterDisplayNumber === displayNumber) return links;
  if (reference.length > MAX_REFERENCE_LENGTH) return links;
  links.push({
    processor: 'any',
    externalReference: reference,
    practiceMatterId: matter.id,
    matterDisplayNumber: displayNumber,
    source: 'backfill',
  });
  return links;
}

export function backfillActivities(deps: ActivityDeps) {
  const links = new MatterLinkRepository(deps.db);
  return {
    /**
     * One page of the firm's matters into the lookup table. Idempotent: the insert skips rows that exist
     * (`ON CONFLICT DO NOTHING` on firm, processor, reference), so a retried or replayed page adds nothing, and an
     * existing mapping (an admin's, or an earlier matter's legacy reference) is never overwritten.
     */
    async backfillMatterPage(input: BackfillPageInput): Promise<BackfillPageResult> {
      const { practice } = deps.firm(input.firmId);
      const page = await practice.listMatters(input.cursor, { pageSize: BACKFILL_PAGE_SIZE });
      const rows: MatterLink[] = [];
      for (const matter of page.items) {
        const own = matterLinksFor(matter);
        if (own.length === 0)
          log.warn('matter skipped: its display number cannot be a reference', { matterId: matter.id });
        rows.push(...own);
      }
      const linksAdded = await links.addMany(input.firmId, rows);
      return { matters: page.items.length, linksAdded, nextCursor: page.nextCursor };
    },
  };
}
