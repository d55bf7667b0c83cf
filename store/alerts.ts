import type pg from 'pg';
import type { Db } from './db';

export interface Alert {
  kind: string;
  subject: string;
  message: string;
  createdAt: Date;
  resolvedAt: Date | null;
}

/** Things a person must look at. One open alert per (kind, subject): raising it again is a no-op. */
export class AlertRepository {
  /** A pool, or one connection held for a caller that must not wait for the pool (activities/messages.ts). */
  constructor(private readonly db: Db | pg.PoolClient) {}

  async raise(
    firmId: string,
    kind: string,
    subject: string,
    message: string,
    q: Db | pg.PoolClient = this.db,
  ): Promise<void> {
    await q.query(
      `INSERT INTO alerts (firm_id, kind, subject, message) VALUES ($1, $2, $3, $4)
       ON CONFLICT (firm_id, kind, subject) DO UPDATE SET message = EXCLUDED.message, resolved_at = NULL`,
      [firmId, kind, subject, message],
    );
  }

  /** `kind`: one kind, or several resolved in the one statement (a payment's round trips are its cost; issue 14). */
  async resolve(
    firmId: string,
    kind: string | string[],
    subject: string,
    q: Db | pg.PoolClient = this.db,
  ): Promise<void> {
    await q.query(
      'UPDATE alerts SET resolved_at = now() WHERE firm_id = $1 AND kind = ANY($2::text[]) AND subject = $3 AND resolved_at IS NULL',
      [firmId, [kind].flat(), subject],
    );
  }

  async open(firmId: string): Promise<Alert[]> {
    const { rows } = await this.db.query(
      'SELECT kind, subject, message, created_at, resolved_at FROM alerts WHERE firm_id = $1 AND resolved_at IS NULL ORDER BY created_at',
      [firmId],
    );
    return rows.map((r) => ({
      kind: r.kind,
      subject: r.subject,
      message: r.message,
      createdAt: r.created_at,
      resolvedAt: r.resolved_at,
    }));
  }
}
