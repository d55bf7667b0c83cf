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
  ): Promise<boolean> {
    // A write made before the queue existed (recorded in practice_writes by key) is not queued again.
    const result = await q.query(
      `INSERT INTO practice_writebacks (firm_id, idempotency_key, matter_id, kind, payload)
       SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM practice_writes WHERE firm_id = $1 AND idempotency_key = $2)
       ON CONFLICT (firm_id, idempotency_key) DO NOTHING`,
      [firmId, key, matterId, payload.kind, JSON.stringify(payload)],
    );
    return result.rowCount === 1;
  }

  /** Claims up to `limit` rows that are due, for `claimMs`; each claim counts as an attempt. */
  async claimDue(firmId: string, limit: number, claimMs: number): Promise<Writeback[]> {
    const { rows } = await this.db.query(
      `UPDATE practice_writebacks SET claimed_until = now() + ($3 || ' milliseconds')::interval, attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM practice_writebacks
         WHERE firm_id = $1 AND state = 'pending' AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
         ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [firmId, limit, String(claimMs)],
    );
    return rows.map(toWriteback).sort((a, b) => a.id - b.id);
  }

  async markDone(id: number): Promise<void> {
    await this.db.query(
      `UPDATE practice_writebacks SET state = 'done', done_at = now(), claimed_until = NULL, last_error = NULL WHERE id = $1 AND state = 'pending'`,
      [id],
    );
  }

  /** A retryable failure: try again after `retryInMs`; returns when it first failed, to tell how long it has stalled. */
  async markRetry(id: number, retryInMs: number, error: string): Promise<Date> {
    const { rows } = await this.db.query(
      `UPDATE practice_writebacks SET next_attempt_at = now() + ($2 || ' milliseconds')::interval, claimed_until = NULL,
         first_failed_at = coalesce(first_failed_at, now()), last_error = $3
       WHERE id = $1 AND state = 'pending' RETURNING first_failed_at`,
      [id, String(retryInMs), error],
    );
    return (rows[0]?.first_failed_at as Date | undefined) ?? new Date();
  }

  /** A permanent rejection: kept aside for an admin (`matterpay writebacks retry`). */
  async markDead(id: number, error: string): Promise<void> {
    await this.db.query(
      `UPDATE practice_writebacks SET state = 'dead', claimed_until = NULL, first_failed_at = coalesce(first_failed_at, now()), last_error = $2 WHERE id = $1 AND state = 'pending'`,
      [id, error],
    );
  }

  /** Dead rows (one, or all of the firm's) go back in the queue; returns how many. */
  async retryDead(firmId: string, id: number | null): Promise<number> {
    const result = await this.db.query(
      `UPDATE practice_writebacks SET state = 'pending', next_attempt_at = now(), first_failed_at = NULL, claimed_until = NULL
       WHERE firm_id = $1 AND state = 'dead' AND ($2::bigint IS NULL OR id = $2)`,
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
    const { rows } = await this.db.query(
      `SELECT greatest(0, extract(epoch FROM (min(greatest(next_attempt_at, coalesce(claimed_until, next_attempt_at))) - now())) * 1000)::bigint AS ms
       FROM practice_writebacks WHERE firm_id = $1 AND state = 'pending'`,
      [firmId],
    );
    return rows[0]?.ms === null || rows[0]?.ms === undefined ? null : Number(rows[0].ms);
  }

  async list(firmId: string, filter: { state?: Writeback['state']; matterId?: string } = {}): Promise<Writeback[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM practice_writebacks WHERE firm_id = $1 AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR matter_id = $3) ORDER BY id`,
      [firmId, filter.state ?? null, filter.matterId ?? null],
    );
    return rows.map(toWriteback);
  }
}
