import type { Db } from './db';

/** The ledger of writes made to the practice system, by idempotency key (see migration 0002). */
export class PracticeWriteRepository {
  constructor(private readonly db: Db) {}

  async find(firmId: string, key: string): Promise<{ remoteId: string | null } | null> {
    const { rows } = await this.db.query(
      'SELECT remote_id FROM practice_writes WHERE firm_id = $1 AND idempotency_key = $2',
      [firmId, key],
    );
    return rows[0] ? { remoteId: rows[0].remote_id } : null;
  }

  async record(
    firmId: string,
    key: string,
    matterId: string,
    kind: 'note' | 'reference' | 'review_flag',
    remoteId: string | null,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO practice_writes (firm_id, idempotency_key, matter_id, kind, remote_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (firm_id, idempotency_key) DO NOTHING`,
      [firmId, key, matterId, kind, remoteId],
    );
  }
}
