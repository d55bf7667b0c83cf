import type pg from 'pg';
import type { Db } from './db';

export interface OutboundMessage {
  idempotencyKey: string;
  recipient: string;
  subject: string;
  state: 'sending' | 'sent';
  messageId: string | null;
  attempts: number;
  sentAt: Date | null;
}

/** Every email by key (migration 0005): what makes "sent once" a fact of the database, on any transport. */
export class OutboundMessageRepository {
  constructor(private readonly db: Db | pg.PoolClient) {}

  /** Records an attempt to send; returns the row as it was before (null: this is the first attempt). */
  async begin(firmId: string, key: string, recipient: string, subject: string): Promise<OutboundMessage | null> {
    const inserted = await this.db.query(
      `INSERT INTO outbound_messages (firm_id, idempotency_key, recipient, subject, state) VALUES ($1, $2, $3, $4, 'sending')
       ON CONFLICT (firm_id, idempotency_key) DO NOTHING`,
      [firmId, key, recipient, subject],
    );
    if (inserted.rowCount === 1) return null;
    const before = await this.get(firmId, key);
    if (before?.state === 'sending') {
      await this.db.query(
        'UPDATE outbound_messages SET attempts = attempts + 1 WHERE firm_id = $1 AND idempotency_key = $2',
        [firmId, key],
      );
    }
    return before;
  }

  async markSent(firmId: string, key: string, messageId: string): Promise<void> {
    await this.db.query(
      `UPDATE outbound_messages SET state = 'sent', message_id = $3, sent_at = now() WHERE firm_id = $1 AND idempotency_key = $2`,
      [firmId, key, messageId],
    );
  }

  async get(firmId: string, key: string): Promise<OutboundMessage | null> {
    const { rows } = await this.db.query(
      'SELECT * FROM outbound_messages WHERE firm_id = $1 AND idempotency_key = $2',
      [firmId, key],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }
}

function toMessage(r: Record<string, unknown>): OutboundMessage {
  return {
    idempotencyKey: r.idempotency_key as string,
    recipient: r.recipient as string,
    subject: r.subject as string,
    state: r.state as OutboundMessage['state'],
    messageId: (r.message_id as string | null) ?? null,
    attempts: Number(r.attempts),
    sentAt: r.sent_at ? new Date(r.sent_at as string) : null,
  };
}
