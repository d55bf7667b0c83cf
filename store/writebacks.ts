import type pg from 'pg';
import type { Db } from './db';

type Queryable = Db | pg.PoolClient;

export type WritebackKind = 'note' | 'reference' | 'review_flag';

export type WritebackPayload =
  | { kind: 'note'; subject: string; detail: string; date: string }
  | { kind: 'reference'; reference: string }
  | { kind: 'review_flag'; flagged: boolean };

export interface Writeback {
  id: number;
  firmId: string;
  idempotencyKey: string;
  matterId: string;
  payload: WritebackPayload;
  state: 'pending' | 'done' | 'dead';
  attempts: number;
  nextAttemptAt: Date;
  firstFailedAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  doneAt: Date | null;
  /** The moment whose notes are written as one note (see `WritebackMoment`), or null for a write of its own. */
  momentKey: string | null;
  /** The rows written together in one note, fixed at their first claim: the id of the first of them. */
  batchId: number | null;
}

/**
 * Notes of one moment (an invoice drafted, its trust drawn, issued and emailed) share a key and are written as one
 * note. A row waits up to `holdMs` for the moment to close; the row that closes it makes the whole moment due, so a
 * moment that never closes (its workflow stuck) is written anyway, late, never lost.
 */
export interface WritebackMoment {
  key: string;
  closes: boolean;
  holdMs: number;
}

function toWriteback(r: Record<string, unknown>): Writeback {
  return {
    id: Number(r.id),
    firmId: r.firm_id as string,
    idempotencyKey: r.idempotency_key as string,
    matterId: r.matter_id as string,
    payload: r.payload as WritebackPayload,
    state: r.state as Writeback['state'],
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at as Date,
    firstFailedAt: (r.first_failed_at as Date | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    createdAt: r.created_at as Date,
    doneAt: (r.done_at as Date | null) ?? null,
    momentKey: (r.moment_key as string | null) ?? null,
    batchId: r.batch_id === null || r.batch_id === undefined ? null : Number(r.batch_id),
  };
}

/**
 * The durable write-back queue to the practice system (migration 0005). Enqueueing is keyed, so the same write
 * asked for twice is one row; draining claims rows with SKIP LOCKED, so two workers never write the same row at once,
 * and a claim lapses by itself if its worker dies.
 */
export class WritebackRepository {
  constructor(private readonly db: Db) {}

  /** Returns whether this call queued it (false: the same key was queued before). */
  async enqueue(
    firmId: string,
    key: string,
    matterId: string,
    payload: WritebackPayload,
    q: Queryable = this.db,
    moment: WritebackMoment | null = null,
  ): Promise<boolean> {
    // A write made before the queue existed (recorded in practice_writes by key) is not queued again. The row that
    // closes a moment releases the moment's held rows in the same statement: a drain that sees it sees them due and
    // unlocked, and writes them with it (released one statement later, a drain took the last row alone).
    const { rows } = await q.query(
      `WITH queued AS (
         INSERT INTO practice_writebacks (firm_id, idempotency_key, matter_id, kind, payload, moment_key, next_attempt_at)
         SELECT $1, $2, $3, $4, $5, $6, now() + ($7 || ' milliseconds')::interval
         WHERE NOT EXISTS (SELECT 1 FROM practice_writes WHERE firm_id = $1 AND idempotency_key = $2)
         ON CONFLICT (firm_id, idempotency_key) DO NOTHING
         RETURNING id),
       released AS (
         UPDATE practice_writebacks SET next_attempt_at = now()
         WHERE $8::boolean AND firm_id = $1 AND moment_key = $6 AND state = 'pending' AND batch_id IS NULL AND attempts = 0
           AND next_attempt_at > now()
         RETURNING id)
       SELECT (SELECT count(*) FROM queued)::int AS queued`,
      [
        firmId,
        key,
        matterId,
        payload.kind,
        JSON.stringify(payload),
        moment?.key ?? null,
        String(moment && !moment.closes ? moment.holdMs : 0),
        moment?.closes ?? false,
      ],
    );
    return rows[0]?.queued === 1;
  }

  /** The moment is complete: its held rows are due now. */
  async releaseMoment(firmId: string, momentKey: string, q: Queryable = this.db): Promise<void> {
    await q.query(
      `UPDATE practice_writebacks SET next_attempt_at = now()
       WHERE firm_id = $1 AND moment_key = $2 AND state = 'pending' AND batch_id IS NULL AND attempts = 0 AND next_attempt_at > now()`,
      [firmId, momentKey],
    );
  }

  /**
   * Claims the next due write for `claimMs`: one row, or every pending row of its moment, oldest first, which the
   * caller writes as one note. The rows claimed together the first time stay together (`batch_id`) on every retry,
   * so the note a lapsed attempt may have written is the one looked for. Each claim counts as an attempt.
   */
  async claimNext(firmId: string, claimMs: number): Promise<Writeback[]> {
    const [first] = await this.claimDue(firmId, 1, claimMs);
    if (!first || first.momentKey === null || first.payload.kind !== 'note') return first ? [first] : [];
    // The batch is named on its first row before the rest join it: a retry after a crash finds the same batch.
    if (first.batchId === null)
      await this.db.query(`UPDATE practice_writebacks SET batch_id = $1 WHERE id = $1`, [first.id]);
    const { rows } = await this.db.query(
      `UPDATE practice_writebacks SET claimed_until = now() + ($4 || ' milliseconds')::interval, attempts = attempts + 1, batch_id = $2
       WHERE id IN (
         SELECT id FROM practice_writebacks
         WHERE firm_id = $1 AND state = 'pending' AND id <> $2 AND kind = 'note'
           AND (claimed_until IS NULL OR claimed_until < now())
           AND (batch_id = $2 OR (batch_id IS NULL AND $5::bigint IS NULL AND moment_key = $3))
         ORDER BY id FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [firmId, first.batchId ?? first.id, first.momentKey, String(claimMs), first.batchId],
    );
    const batch = [{ ...first, batchId: first.batchId ?? first.id }, ...rows.map(toWriteback)];
    return batch.sort((a, b) => a.id - b.id);
  }

  /**
   * Claims up to `limit` rows that are due, for `claimMs`; each claim counts as an attempt. A field write (reference,
   * review flag) reads the matter and writes it back, so it waits while an earlier one of its matter and kind is
   * pending: two workers never interleave them (Clio refuses the second), and the last one queued is the last written.
   */
  async claimDue(firmId: string, limit: number, claimMs: number): Promise<Writeback[]> {
    const { rows } = await this.db.query(
      `UPDATE practice_writebacks SET claimed_until = now() + ($3 || ' milliseconds')::interval, attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM practice_writebacks w
         WHERE firm_id = $1 AND state = 'pending' AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
           AND (kind = 'note' OR NOT EXISTS (
             SELECT 1 FROM practice_writebacks earlier
             WHERE earlier.firm_id = w.firm_id AND earlier.matter_id = w.matter_id AND earlier.kind = w.kind
               AND earlier.state = 'pending' AND earlier.id < w.id))
         ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [firmId, limit, String(claimMs)],
    );
    return rows.map(toWriteback).sort((a, b) => a.id - b.id);
  }

  /** `ids`: one row, or the rows of one batch (written as one note). */
  async markDone(ids: number | number[]): Promise<void> {
    await this.db.query(
      `UPDATE practice_writebacks SET state = 'done', done_at = now(), claimed_until = NULL, last_error = NULL WHERE id = ANY($1::bigint[]) AND state = 'pending'`,
      [[ids].flat()],
    );
  }

  /** A retryable failure: try again after `retryInMs`; returns when it first failed, to tell how long it has stalled. */
  async markRetry(ids: number | number[], retryInMs: number, error: string): Promise<Date> {
    const { rows } = await this.db.query(
      `UPDATE practice_writebacks SET next_attempt_at = now() + ($2 || ' milliseconds')::interval, claimed_until = NULL,
         first_failed_at = coalesce(first_failed_at, now()), last_error = $3
       WHERE id = ANY($1::bigint[]) AND state = 'pending' RETURNING first_failed_at`,
      [[ids].flat(), String(retryInMs), error],
    );
    const earliest = rows.map((r) => (r.first_failed_at as Date).getTime());
    return earliest.length ? new Date(Math.min(...earliest)) : new Date();
  }

  /** A permanent rejection: kept aside for an admin (`matterpay writebacks retry`). */
  async markDead(ids: number | number[], error: string): Promise<void> {
    await this.db.query(
      `UPDATE practice_writebacks SET state = 'dead', claimed_until = NULL, first_failed_at = coalesce(first_failed_at, now()), last_error = $2 WHERE id = ANY($1::bigint[]) AND state = 'pending'`,
      [[ids].flat(), error],
    );
  }

  /** Dead rows (one, with the rest of its note's batch, or all of the firm's) go back in the queue; returns how many. */
  async retryDead(firmId: string, id: number | null): Promise<number> {
    const result = await this.db.query(
      `UPDATE practice_writebacks SET state = 'pending', next_attempt_at = now(), first_failed_at = NULL, claimed_until = NULL
       WHERE firm_id = $1 AND state = 'dead'
         AND ($2::bigint IS NULL OR id = $2 OR batch_id = (SELECT batch_id FROM practice_writebacks WHERE id = $2))`,
      [firmId, id],
    );
    return result.rowCount ?? 0;
  }

  /** Holds every pending write-back of the firm back for `delayMs` (its practice system is down or refused us). */
  async holdFirm(firmId: string, delayMs: number): Promise<void> {
    await this.db.query(
      `UPDATE practice_writebacks SET next_attempt_at = greatest(next_attempt_at, now() + ($2 || ' milliseconds')::interval)
       WHERE firm_id = $1 AND state = 'pending'`,
      [firmId, String(delayMs)],
    );
  }

  /** Milliseconds until the next pending row is due (0 = now), or null when nothing is pending. */
  async nextDueInMs(firmId: string): Promise<number | null> {
    // Clamped here, not with SQL's greatest(), which skips a NULL: an empty queue would read as due now, and the
    // drainer would look again at once, in a loop.
    const { rows } = await this.db.query(
      `SELECT (extract(epoch FROM (min(greatest(next_attempt_at, coalesce(claimed_until, next_attempt_at))) - now())) * 1000)::bigint AS ms
       FROM practice_writebacks WHERE firm_id = $1 AND state = 'pending'`,
      [firmId],
    );
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? null : Math.max(0, Number(ms));
  }

  async list(firmId: string, filter: { state?: Writeback['state']; matterId?: string } = {}): Promise<Writeback[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM practice_writebacks WHERE firm_id = $1 AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR matter_id = $3) ORDER BY id`,
      [firmId, filter.state ?? null, filter.matterId ?? null],
    );
    return rows.map(toWriteback);
  }
}
