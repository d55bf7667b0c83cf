import type pg from 'pg';
import type { Db } from '../store/db';
import { WritebackRepository, type WritebackMoment, type WritebackPayload } from '../store/writebacks';
import type { ActivityDeps } from './deps';

export interface MatterNoteRequest {
  firmId: string;
  matterId: string;
  /** Names the note: the same key never writes a second note (e.g. `invoice/00001-Smith-1/issued`). */
  key: string;
  subject: string;
  detail: string;
  date: string;
  /**
   * The moment this note belongs to (e.g. `invoice/00001-Smith-1/issue`: drafted, trust drawn, issued, emailed): its
   * notes are written as one note once the note that `closes` it is queued.
   */
  moment?: { key: string; closes: boolean };
}

/**
 * How long a moment's notes wait for it to close before they are written anyway. Long enough for a month-end run's
 * invoices to be drafted and issued behind Clio's rate limit; a note is never urgent, and never lost.
 */
export const MOMENT_HOLD_MS = 30 * 60_000;

export function noteMoment(moment: MatterNoteRequest['moment']): WritebackMoment | null {
  return moment ? { ...moment, holdMs: MOMENT_HOLD_MS } : null;
}

export function noteActivities(deps: ActivityDeps) {
  return {
    /**
     * Queues the note on the write-back queue (activities/writebacks.ts drains it): a money workflow never waits for
     * the practice system. Idempotent by `key`.
     */
    async writeMatterNote(request: MatterNoteRequest): Promise<'queued' | 'already queued'> {
      return writeNoteOnce(deps, request);
    },
  };
}

/**
 * The one way matterpay writes a note: queued by key, so the same note asked for twice is written once. Pass the
 * transaction's client to queue it atomically with the money change it reports.
 */
export async function writeNoteOnce(
  deps: ActivityDeps,
  request: MatterNoteRequest,
  q?: Db | pg.PoolClient,
): Promise<'queued' | 'already queued'> {
  const queued = await queueWriteback(
    deps,
    request.firmId,
    request.key,
    request.matterId,
    { kind: 'note', subject: request.subject, detail: request.detail, date: request.date },
    q,
    noteMoment(request.moment),
  );
  return queued ? 'queued' : 'already queued';
}

/**
 * Queues a write-back and wakes the firm's drain (workflows/practiceWritebacks.ts); returns whether it was new.
 * Inside a transaction (`q` given) the caller wakes the drain after commit, since the drain cannot see the row before.
 * The wake is awaited on every call, new row or not, so a retried activity wakes a drain that an earlier attempt
 * could not reach.
 */
export async function queueWriteback(
  deps: ActivityDeps,
  firmId: string,
  key: string,
  matterId: string,
  payload: WritebackPayload,
  q?: Db | pg.PoolClient,
  moment: WritebackMoment | null = null,
): Promise<boolean> {
  const queued = await new WritebackRepository(deps.db).enqueue(firmId, key, matterId, payload, q, moment);
  if (!q) await deps.wakeWritebacks?.(firmId);
  return queued;
}

/** A moment is complete even when its last step wrote no note (nothing due, say): what it holds is due now. */
export async function closeNoteMoment(deps: ActivityDeps, firmId: string, momentKey: string): Promise<void> {
  await new WritebackRepository(deps.db).releaseMoment(firmId, momentKey);
  await deps.wakeWritebacks?.(firmId);
}
