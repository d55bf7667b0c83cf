import type pg from 'pg';
import type { Db } from '../store/db';
import { WritebackRepository, type WritebackPayload } from '../store/writebacks';
import type { ActivityDeps } from './deps';

export interface MatterNoteRequest {
  firmId: string;
  matterId: string;
  /** Names the note: the same key never writes a second note (e.g. `invoice/00001-Smith-1/issued`). */
  key: string;
  subject: string;
  detail: string;
  date: string;
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
): Promise<boolean> {
  const queued = await new WritebackRepository(deps.db).enqueue(firmId, key, matterId, payload, q);
  if (!q) await deps.wakeWritebacks?.(firmId);
  return queued;
}
