import type pg from 'pg';
import type { Db } from './db';

export type TrustDrawState = 'recorded' | 'confirmed' | 'reversed';

export interface TrustDraw {
  id: number;
  matterId: string;
  invoiceNumber: string;
  amountCents: number;
  practiceBalanceSeenCents: number;
  expectedBalanceAfterCents: number;
  state: TrustDrawState;
  recordedAt: Date;
  confirmedAt: Date | null;
  /** The practice system's ledger entry that confirmed the draw; null when an admin confirmed it by hand. */
  ledgerEntryId: string | null;
  ledgerEntryDate: string | null;
  confirmedBy: string | null;
  reversedAt: Date | null;
  reversedBy: string | null;
}

type Queryable = Db | pg.PoolClient;

function toDraw(r: Record<string, unknown>): TrustDraw {
  return {
    id: Number(r.id),
    matterId: r.matter_id as string,
    invoiceNumber: r.invoice_number as string,
    amountCents: Number(r.amount_cents),
    practiceBalanceSeenCents: Number(r.practice_balance_seen_cents),
    expectedBalanceAfterCents: Number(r.expected_balance_after_cents),
    state: r.state as TrustDrawState,
    recordedAt: r.recorded_at as Date,
    confirmedAt: (r.confirmed_at as Date | null) ?? null,
    ledgerEntryId: (r.ledger_entry_id as string | null) ?? null,
    ledgerEntryDate: (r.ledger_entry_date as string | null) ?? null,
    confirmedBy: (r.confirmed_by as string | null) ?? null,
    reversedAt: (r.reversed_at as Date | null) ?? null,
    reversedBy: (r.reversed_by as string | null) ?? null,
  };
}

const COLUMNS = `id, matter_id, invoice_number, amount_cents, practice_balance_seen_cents, expected_balance_after_cents, state, recorded_at,
  confirmed_at, ledger_entry_id, to_char(ledger_entry_date, 'YYYY-MM-DD') AS ledger_entry_date, confirmed_by, reversed_at, reversed_by`;

/**
 * Append-only trust draws (docs/domain.md §4.3). A row is never deleted and its amount never changes; only its state moves
 * `recorded → confirmed` (by one ledger entry, or by a named admin) or `→ reversed`, with who and when.
 */
export class TrustDrawRepository {
  constructor(private readonly db: Db) {}

  async get(firmId: string, id: number, q: Queryable = this.db): Promise<TrustDraw | null> {
    const { rows } = await q.query(`SELECT ${COLUMNS} FROM trust_draws WHERE firm_id = $1 AND id = $2`, [firmId, id]);
    return rows[0] ? toDraw(rows[0]) : null;
  }

  async forInvoice(firmId: string, invoiceNumber: string, q: Queryable = this.db): Promise<TrustDraw | null> {
    const { rows } = await q.query(`SELECT ${COLUMNS} FROM trust_draws WHERE firm_id = $1 AND invoice_number = $2`, [
      firmId,
      invoiceNumber,
    ]);
    return rows[0] ? toDraw(rows[0]) : null;
  }

  async unconfirmed(client: Queryable, firmId: string, matterId: string): Promise<TrustDraw[]> {
    const { rows } = await client.query(
      `SELECT ${COLUMNS} FROM trust_draws WHERE firm_id = $1 AND matter_id = $2 AND state = 'recorded' ORDER BY recorded_at, id`,
      [firmId, matterId],
    );
    return rows.map(toDraw);
  }

  /** Every draw of one matter, oldest first: what a ledger read is matched against. */
  async forMatter(client: Queryable, firmId: string, matterId: string): Promise<TrustDraw[]> {
    const { rows } = await client.query(
      `SELECT ${COLUMNS} FROM trust_draws WHERE firm_id = $1 AND matter_id = $2 ORDER BY recorded_at, id`,
      [firmId, matterId],
    );
    return rows.map(toDraw);
  }

  async all(firmId: string, q: Queryable = this.db): Promise<TrustDraw[]> {
    const { rows } = await q.query(
      `SELECT ${COLUMNS} FROM trust_draws WHERE firm_id = $1 ORDER BY matter_id, recorded_at, id`,
      [firmId],
    );
    return rows.map(toDraw);
  }

  async insert(
    client: pg.PoolClient,
    firmId: string,
    draw: Pick<
      TrustDraw,
      'matterId' | 'invoiceNumber' | 'amountCents' | 'practiceBalanceSeenCents' | 'expectedBalanceAfterCents'
    >,
  ): Promise<void> {
    await client.query(
      `INSERT INTO trust_draws (firm_id, matter_id, invoice_number, amount_cents, practice_balance_seen_cents, expected_balance_after_cents)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        firmId,
        draw.matterId,
        draw.invoiceNumber,
        draw.amountCents,
        draw.practiceBalanceSeenCents,
        draw.expectedBalanceAfterCents,
      ],
    );
  }

  /**
   * Confirms a draw by its ledger entry: a recorded draw, or one confirmed by another entry that a later entry naming
   * its invoice replaces. False when the draw was reversed or confirmed by an admin.
   */
  async confirmByLedger(
    client: Queryable,
    firmId: string,
    id: number,
    entry: { id: string; date: string },
  ): Promise<boolean> {
    const { rowCount } = await client.query(
      `UPDATE trust_draws SET state = 'confirmed', confirmed_at = now(), ledger_entry_id = $3, ledger_entry_date = $4::date
       WHERE firm_id = $1 AND id = $2 AND (state = 'recorded' OR (state = 'confirmed' AND ledger_entry_id IS NOT NULL))`,
      [firmId, id, entry.id, entry.date],
    );
    return rowCount === 1;
  }

  /** An admin's confirmation by hand (`matterpay trust confirm`); false when it was no longer `recorded`. */
  async confirmByAdmin(client: Queryable, firmId: string, id: number, by: string): Promise<boolean> {
    const { rowCount } = await client.query(
      `UPDATE trust_draws SET state = 'confirmed', confirmed_at = now(), confirmed_by = $3 WHERE firm_id = $1 AND id = $2 AND state = 'recorded'`,
      [firmId, id, by],
    );
    return rowCount === 1;
  }

  /** The draw did not happen (or was returned to trust): it no longer counts against available trust. */
  async reverse(client: Queryable, firmId: string, id: number, by: string): Promise<boolean> {
    const { rowCount } = await client.query(
      `UPDATE trust_draws SET state = 'reversed', reversed_at = now(), reversed_by = $3 WHERE firm_id = $1 AND id = $2 AND state <> 'reversed'`,
      [firmId, id, by],
    );
    return rowCount === 1;
  }

  /** Kept for the invoice's void path: a voided invoice's unconfirmed draw is reversed by matterpay itself. */
  async setState(client: Queryable, id: number, state: 'reversed'): Promise<void> {
    await client.query(
      `UPDATE trust_draws SET state = $2, reversed_at = now(), reversed_by = 'matterpay (invoice voided)' WHERE id = $1 AND state = 'recorded'`,
      [id, state],
    );
  }
}
