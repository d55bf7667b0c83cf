import type pg from 'pg';
import type { Payment } from '../connectors/ports';
import type { Db } from './db';

export type PaymentState = 'applied' | 'unmatched' | 'ignored';

export interface ProcessedPayment {
  firmId: string;
  processor: Payment['processor'];
  transactionId: string;
  kind: Payment['kind'];
  amountCents: number;
  reference: string | null;
  invoiceNumber: string | null;
  matterId: string | null;
  state: PaymentState;
  detail: string | null;
  occurredAt: Date;
  recordedAt: Date;
}

function toRow(r: Record<string, unknown>): ProcessedPayment {
  return {
    firmId: r.firm_id as string,
    processor: r.processor as Payment['processor'],
    transactionId: r.transaction_id as string,
    kind: r.kind as Payment['kind'],
    amountCents: Number(r.amount_cents),
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
 * The payments ledger: one row per (processor, transaction, kind) for each firm, written in the same transaction
 * as the invoice's new balance. That primary key is what makes "applied exactly once" a fact of the database.
 */
export class PaymentRepository {
  constructor(private readonly db: Db) {}

  async get(firmId: string, processor: string, transactionId: string, kind: string, q: Db | pg.PoolClient = this.db): Promise<ProcessedPayment | null> {
    const { rows } = await q.query(
      'SELECT * FROM processed_payments WHERE firm_id = $1 AND processor = $2 AND transaction_id = $3 AND kind = $4',
      [firmId, processor, transactionId, kind]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Inserts the row unless it exists; returns whether this call inserted it. */
  async insert(client: pg.PoolClient, row: Omit<ProcessedPayment, 'recordedAt'>): Promise<boolean> {
    const result = await client.query(
      `INSERT INTO processed_payments (firm_id, processor, transaction_id, kind, amount_cents, reference, invoice_number, matter_id, state, detail, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
      [row.firmId, row.processor, row.transactionId, row.kind, row.amountCents, row.reference, row.invoiceNumber, row.matterId, row.state, row.detail, row.occurredAt]);
    return result.rowCount === 1;
  }

  /** A parked (unmatched) payment becomes applied once its matter is known. */
  async markApplied(client: pg.PoolClient, row: Pick<ProcessedPayment, 'firmId' | 'processor' | 'transactionId' | 'kind' | 'invoiceNumber' | 'matterId' | 'detail'>): Promise<boolean> {
    const result = await client.query(
      `UPDATE processed_payments SET state = 'applied', invoice_number = $5, matter_id = $6, detail = $7
       WHERE firm_id = $1 AND processor = $2 AND transaction_id = $3 AND kind = $4 AND state = 'unmatched'`,
      [row.firmId, row.processor, row.transactionId, row.kind, row.invoiceNumber, row.matterId, row.detail]);
    return result.rowCount === 1;
  }

  async list(firmId: string, filter: { state?: PaymentState; invoiceNumber?: string } = {}): Promise<ProcessedPayment[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM processed_payments WHERE firm_id = $1 AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR invoice_number = $3)
       ORDER BY occurred_at`, [firmId, filter.state ?? null, filter.invoiceNumber ?? null]);
    return rows.map(toRow);
  }
}

/** Moves an invoice's paid amount by a payment (a refund moves it back) and sets the status that follows. */
export async function adjustInvoicePaid(client: pg.PoolClient, firmId: string, invoiceNumber: string, deltaCents: number): Promise<void> {
  await client.query(
    `UPDATE invoices SET paid_cents = paid_cents + $3,
       status = CASE
         WHEN status IN ('issued', 'partially_paid', 'paid') THEN
           CASE WHEN total_cents - trust_applied_cents - (paid_cents + $3) <= 0 THEN 'paid'
                WHEN paid_cents + $3 > 0 THEN 'partially_paid' ELSE 'issued' END
         ELSE status END,
       settled_at = CASE WHEN total_cents - trust_applied_cents - (paid_cents + $3) <= 0 THEN coalesce(settled_at, now()) ELSE NULL END,
       updated_at = now()
     WHERE firm_id = $1 AND invoice_number = $2`,
    [firmId, invoiceNumber, deltaCents]);
}
