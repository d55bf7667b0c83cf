import type pg from 'pg';
import type { LedgerKind, LedgerStatus } from '../domain/paymentEffect';
import type { ProcessorName } from '../connectors/ports';
import type { Db } from './db';

type Queryable = Db | pg.PoolClient;

/**
 * `applied`: counted on its invoice or matter (its effect may be 0, e.g. a voided charge); `unmatched`: no matter
 * known for its reference yet; `parked`: its reference names an invoice that cannot take money; `rejected`: it
 * cannot be applied at all (another currency, a bad amount); `ignored`: not a client's payment (failed, paid out).
 */
export type PaymentState = 'applied' | 'unmatched' | 'ignored' | 'parked' | 'rejected';

export interface LedgerRow {
  firmId: string;
  processor: ProcessorName;
  transactionId: string;
  kind: LedgerKind;
  status: LedgerStatus;
  amountCents: number;
  currency: string;
  /** What this transaction counts towards its invoice now (signed cents; domain/paymentEffect.ts). */
  effectCents: number;
  reference: string | null;
  invoiceNumber: string | null;
  matterId: string | null;
  state: PaymentState;
  detail: string | null;
  occurredAt: Date;
  recordedAt: Date;
}

function toRow(r: Record<string, unknown>): LedgerRow {
  return {
    firmId: r.firm_id as string,
    processor: r.processor as ProcessorName,
    transactionId: r.transaction_id as string,
    kind: r.kind as LedgerKind,
    status: r.status as LedgerStatus,
    amountCents: Number(r.amount_cents),
    currency: r.currency as string,
    effectCents: Number(r.effect_cents),
    reference: (r.reference as string | null) ?? null,
    invoiceNumber: (r.invoice_number as string | null) ?? null,
    matterId: (r.matter_id as string | null) ?? null,
    state: r.state as PaymentState,
    detail: (r.detail as string | null) ?? null,
    occurredAt: r.occurred_at as Date,
    recordedAt: r.recorded_at as Date,
  };
}

/**
 * The payments ledger: one row per (processor, transaction, kind) for each firm, holding the transaction's current
 * status and effect. Written in the same transaction as the invoice's recomputed balance, under the matter lock.
 */
export class PaymentRepository {
  constructor(private readonly db: Db) {}

  async get(
    firmId: string,
    processor: string,
    transactionId: string,
    kind: string,
    q: Queryable = this.db,
  ): Promise<LedgerRow | null> {
    const { rows } = await q.query(
      'SELECT * FROM processed_payments WHERE firm_id = $1 AND processor = $2 AND transaction_id = $3 AND kind = $4',
      [firmId, processor, transactionId, kind],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /**
   * Writes the transaction's row as it is now (insert or replace). With `unlessApplied`, a row already applied is
   * left as it is: setting a transaction aside must never take counted money off its invoice.
   */
  async put(
    q: Queryable,
    row: Omit<LedgerRow, 'recordedAt'>,
    options: { unlessApplied?: boolean } = {},
  ): Promise<void> {
    await q.query(
      `INSERT INTO processed_payments (firm_id, processor, transaction_id, kind, status, amount_cents, currency, effect_cents, reference,
         invoice_number, matter_id, state, detail, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (firm_id, processor, transaction_id, kind) DO UPDATE SET status = EXCLUDED.status, amount_cents = EXCLUDED.amount_cents,
         currency = EXCLUDED.currency, effect_cents = EXCLUDED.effect_cents, reference = EXCLUDED.reference, invoice_number = EXCLUDED.invoice_number,
         matter_id = EXCLUDED.matter_id, state = EXCLUDED.state, detail = EXCLUDED.detail, updated_at = now()
       ${options.unlessApplied ? `WHERE processed_payments.state <> 'applied'` : ''}`,
      [
        row.firmId,
        row.processor,
        row.transactionId,
        row.kind,
        row.status,
        row.amountCents,
        row.currency,
        row.effectCents,
        row.reference,
        row.invoiceNumber,
        row.matterId,
        row.state,
        row.detail,
        row.occurredAt,
      ],
    );
  }

  /** The ledger rows counted on one invoice. */
  async forInvoice(firmId: string, invoiceNumber: string, q: Queryable = this.db): Promise<LedgerRow[]> {
    const { rows } = await q.query(
      `SELECT * FROM processed_payments WHERE firm_id = $1 AND invoice_number = $2 AND state = 'applied' ORDER BY occurred_at, transaction_id`,
      [firmId, invoiceNumber],
    );
    return rows.map(toRow);
  }

  /** Money held on a matter with no invoice to pay (it had none owing): part of the matter's credit. */
  async heldOnMatterCents(firmId: string, matterId: string, q: Queryable = this.db): Promise<number> {
    const { rows } = await q.query(
      `SELECT coalesce(sum(effect_cents), 0) AS held FROM processed_payments
       WHERE firm_id = $1 AND matter_id = $2 AND invoice_number IS NULL AND state = 'applied'`,
      [firmId, matterId],
    );
    return Number(rows[0].held);
  }

  async list(firmId: string, filter: { state?: PaymentState; invoiceNumber?: string } = {}): Promise<LedgerRow[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM processed_payments WHERE firm_id = $1 AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR invoice_number = $3)
       ORDER BY occurred_at, transaction_id`,
      [firmId, filter.state ?? null, filter.invoiceNumber ?? null],
    );
    return rows.map(toRow);
  }
}
