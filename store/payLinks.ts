import type pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { Db } from './db';

export type PayLinkStatus = 'outstanding' | 'paid' | 'cancelled' | 'expired';

export interface PayLink {
  token: string;
  firmId: string;
  invoiceNumber: string;
  status: PayLinkStatus;
  createdAt: Date;
  expiresAt: Date;
  openedCount: number;
  lastOpenedAt: Date | null;
}

function toLink(r: Record<string, unknown>): PayLink {
  return {
    token: r.token as string,
    firmId: r.firm_id as string,
    invoiceNumber: r.invoice_number as string,
    status: r.status as PayLinkStatus,
    createdAt: r.created_at as Date,
    expiresAt: r.expires_at as Date,
    openedCount: Number(r.opened_count),
    lastOpenedAt: (r.last_opened_at as Date | null) ?? null,
  };
}

/** Pay links (docs/domain.md §4.4). A token is 32 random bytes, base64url: unguessable, and it names nothing. */
export class PayLinkRepository {
  constructor(private readonly db: Db) {}

  /** The invoice's outstanding link, made on first call; later calls return the same one. */
  async ensureOutstanding(firmId: string, invoiceNumber: string, ttlMs: number): Promise<PayLink> {
    const existing = await this.outstanding(firmId, invoiceNumber);
    if (existing) return existing;
    const token = randomBytes(32).toString('base64url');
    const { rows } = await this.db.query(
      `INSERT INTO pay_links (token, firm_id, invoice_number, expires_at) VALUES ($1, $2, $3, now() + ($4 || ' milliseconds')::interval)
       ON CONFLICT (firm_id, invoice_number) WHERE status = 'outstanding' DO NOTHING RETURNING *`,
      [token, firmId, invoiceNumber, String(ttlMs)],
    );
    if (rows[0]) return toLink(rows[0]);
    return (await this.outstanding(firmId, invoiceNumber))!;
  }

  async outstanding(firmId: string, invoiceNumber: string): Promise<PayLink | null> {
    const { rows } = await this.db.query(
      `SELECT * FROM pay_links WHERE firm_id = $1 AND invoice_number = $2 AND status = 'outstanding'`,
      [firmId, invoiceNumber],
    );
    return rows[0] ? toLink(rows[0]) : null;
  }

  /** The link behind a token, with an outstanding link past its TTL turned `expired` on the way. */
  async byToken(token: string): Promise<PayLink | null> {
    await this.db.query(
      `UPDATE pay_links SET status = 'expired', closed_at = now() WHERE token = $1 AND status = 'outstanding' AND expires_at <= now()`,
      [token],
    );
    const { rows } = await this.db.query('SELECT * FROM pay_links WHERE token = $1', [token]);
    return rows[0] ? toLink(rows[0]) : null;
  }

  async recordOpen(token: string): Promise<void> {
    await this.db.query(
      'UPDATE pay_links SET opened_count = opened_count + 1, last_opened_at = now() WHERE token = $1',
      [token],
    );
  }

  async list(firmId: string, status?: PayLinkStatus): Promise<PayLink[]> {
    await this.db.query(
      `UPDATE pay_links SET status = 'expired', closed_at = now() WHERE firm_id = $1 AND status = 'outstanding' AND expires_at <= now()`,
      [firmId],
    );
    const { rows } = await this.db.query(
      'SELECT * FROM pay_links WHERE firm_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at',
      [firmId, status ?? null],
    );
    return rows.map(toLink);
  }

  /** Closes the outstanding link of an invoice (paid, or the invoice was voided). */
  async close(
    firmId: string,
    invoiceNumber: string,
    status: 'paid' | 'cancelled',
    q: Db | pg.PoolClient = this.db,
  ): Promise<void> {
    await q.query(
      `UPDATE pay_links SET status = $3, closed_at = now() WHERE firm_id = $1 AND invoice_number = $2 AND status = 'outstanding'`,
      [firmId, invoiceNumber, status],
    );
  }

  async cancel(firmId: string, token: string): Promise<PayLink | null> {
    const { rows } = await this.db.query(
      `UPDATE pay_links SET status = 'cancelled', closed_at = now() WHERE firm_id = $1 AND token = $2 AND status = 'outstanding' RETURNING *`,
      [firmId, token],
    );
    return rows[0] ? toLink(rows[0]) : null;
  }
}
