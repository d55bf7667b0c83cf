import type pg from 'pg';
import type { Db } from './db';

export interface TrustDraw {
  id: number;
  matterId: string;
  invoiceNumber: string;
  amountCents: number;
  practiceBalanceSeenCents: number;
  expectedBalanceAfterCents: number;
  state: 'recorded' | 'confirmed' | 'reversed';
  recordedAt: Date;
  confirmedAt: Date | null;
}

function toDraw(r: Record<string, unknown>): TrustDraw {
  return {
    id: Number(r.id),
    matterId: r.matter_id as string,
    invoiceNumber: r.invoice_number as string,
    amountCents: Number(r.amount_cents),
    practiceBalanceSeenCents: Number(r.practice_balance_seen_cents),
    expectedBalanceAfterCents: Number(r.expected_balance_after_cents),
    state: r.state as TrustDraw['state'],
    recordedAt: r.recorded_at as Date,
    confirmedAt: (r.confirmed_at as Date | null) ?? null,
  };
}

/** Append-only trust draws (DESIGN §4.3). Only `state` and `confirmed_at` ever change on a row. */
export class TrustDrawRepository {
  constructor(private readonly db: Db) {}

  async forInvoice(firmId: string, invoiceNumber: string, q: Db | pg.PoolClient = this.db): Promise<TrustDraw | null> {
    const { rows } = await q.query('SELECT * FROM trust_draws WHERE firm_id = $1 AND invoice_number = $2', [firmId, invoiceNumber]);
    return rows[0] ? toDraw(rows[0]) : null;
  }

  async unconfirmed(client: Db | pg.PoolClient, firmId: string, matterId: string): Promise<TrustDraw[]> {
    const { rows } = await client.query(
      `SELECT * FROM trust_draws WHERE firm_id = $1 AND matter_id = $2 AND state = 'recorded' ORDER BY id`, [firmId, matterId]);
    return rows.map(toDraw);
  }

  async all(firmId: string): Promise<TrustDraw[]> {
    const { rows } = await this.db.query('SELECT * FROM trust_draws WHERE firm_id = $1 ORDER BY matter_id, id', [firmId]);
    return rows.map(toDraw);
  }

  async insert(client: pg.PoolClient, firmId: string, draw: Omit<TrustDraw, 'id' | 'state' | 'recordedAt' | 'confirmedAt'>): Promise<void> {
    await client.query(
      `INSERT INTO trust_draws (firm_id, matter_id, invoice_number, amount_cents, practice_balance_seen_cents, expected_balance_after_cents)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [firmId, draw.matterId, draw.invoiceNumber, draw.amountCents, draw.practiceBalanceSeenCents, draw.expectedBalanceAfterCents],
    );
  }

  async setState(client: Db | pg.PoolClient, id: number, state: 'confirmed' | 'reversed'): Promise<void> {
    await client.query(
      `UPDATE trust_draws SET state = $2, confirmed_at = CASE WHEN $2 = 'confirmed' THEN now() ELSE confirmed_at END WHERE id = $1`,
      [id, state],
    );
  }
}
