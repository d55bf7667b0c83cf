import type pg from 'pg';
import {
  amountDueCents,
  overpaymentCents,
  statusAfterMoney,
  type InvoiceMoney,
  type InvoiceStatus,
} from '../domain/invoiceMoney';
import { netPaidCents } from '../domain/paymentEffect';
import type { Db } from './db';

export type { InvoiceStatus };
export type InvoiceKind = 'hourly' | 'flat' | 'manual';

export interface InvoiceRecord {
  firmId: string;
  invoiceNumber: string;
  matterId: string;
  matterDisplayNumber: string;
  sequence: number;
  kind: InvoiceKind;
  period: string;
  status: InvoiceStatus;
  totalCents: number;
  trustAppliedCents: number;
  creditAppliedCents: number;
  paidCents: number;
  amountDueCents: number;
  /** Paid beyond the total (or, when void, everything paid): held on the matter as a credit. */
  overpaymentCents: number;
  delivery: 'pending' | 'sent' | 'held' | 'not_needed';
  approvedBy: string | null;
  approvedAt: Date | null;
  issuedAt: Date | null;
  settledAt: Date | null;
  voidedAt: Date | null;
  escalatedAt: Date | null;
  createdAt: Date;
  /** The firm-local midnight that starts the due date; null until issued (or given by an upload). */
  dueAt: Date | null;
  /** What an upload or quick link says for itself (null = the matter's client, the issue date, no message). */
  invoiceDate: string | null;
  recipientName: string | null;
  recipientEmail: string | null;
  customMessage: string | null;
  /** False for `--no-email` uploads: the firm sends the pay link itself. */
  sendEmail: boolean;
  /** The name and address the invoice's latest email went to (null until one is sent). */
  emailedToName: string | null;
  emailedToEmail: string | null;
  /** Taken afresh by every change to the row (migration 0014): which of two readings of it is the newer. */
  revision: number;
}

export interface InvoiceLine {
  lineKey: string;
  description: string;
  amountCents: number;
  /** A time line's date (YYYY-MM-DD), hours (as seconds) and hourly rate, as the client's invoice shows them. */
  date?: string | null;
  seconds?: number | null;
  rateCents?: number | null;
}

type Queryable = Db | pg.PoolClient;

const columns = `firm_id, invoice_number, matter_id, matter_display_number, sequence, kind, period, status, total_cents,
  trust_applied_cents, credit_applied_cents, paid_cents, delivery, approved_by, approved_at, issued_at, settled_at, voided_at, escalated_at, created_at,
  due_at, to_char(invoice_date, 'YYYY-MM-DD') AS invoice_date, recipient_name, recipient_email, custom_message, send_email,
  emailed_to_name, emailed_to_email, revision`;

export function moneyOf(
  invoice: Pick<InvoiceRecord, 'status' | 'totalCents' | 'trustAppliedCents' | 'creditAppliedCents' | 'paidCents'>,
): InvoiceMoney {
  return {
    status: invoice.status,
    totalCents: invoice.totalCents,
    trustAppliedCents: invoice.trustAppliedCents,
    creditAppliedCents: invoice.creditAppliedCents,
    paidCents: invoice.paidCents,
  };
}

function toRecord(row: Record<string, unknown>): InvoiceRecord {
  const money: InvoiceMoney = {
    status: row.status as InvoiceStatus,
    totalCents: Number(row.total_cents),
    trustAppliedCents: Number(row.trust_applied_cents),
    creditAppliedCents: Number(row.credit_applied_cents),
    paidCents: Number(row.paid_cents),
  };
  return {
    firmId: row.firm_id as string,
    invoiceNumber: row.invoice_number as string,
    matterId: row.matter_id as string,
    matterDisplayNumber: row.matter_display_number as string,
    sequence: row.sequence as number,
    kind: row.kind as InvoiceKind,
    period: row.period as string,
    ...money,
    amountDueCents: amountDueCents(money),
    overpaymentCents: overpaymentCents(money),
    delivery: row.delivery as InvoiceRecord['delivery'],
    approvedBy: (row.approved_by as string | null) ?? null,
    approvedAt: (row.approved_at as Date | null) ?? null,
    issuedAt: (row.issued_at as Date | null) ?? null,
    settledAt: (row.settled_at as Date | null) ?? null,
    voidedAt: (row.voided_at as Date | null) ?? null,
    escalatedAt: (row.escalated_at as Date | null) ?? null,
    createdAt: row.created_at as Date,
    dueAt: (row.due_at as Date | null) ?? null,
    invoiceDate: (row.invoice_date as string | null) ?? null,
    recipientName: (row.recipient_name as string | null) ?? null,
    recipientEmail: (row.recipient_email as string | null) ?? null,
    customMessage: (row.custom_message as string | null) ?? null,
    sendEmail: row.send_email !== false,
    emailedToName: (row.emailed_to_name as string | null) ?? null,
    emailedToEmail: (row.emailed_to_email as string | null) ?? null,
    revision: Number(row.revision),
  };
}

/** Serialises everything that changes one matter's invoices or trust (drafting, drawing) across all workers. */
export async function lockMatter(client: pg.PoolClient, firmId: string, matterId: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`matter:${firmId}:${matterId}`]);
}

export class InvoiceRepository {
  constructor(private readonly db: Db) {}

  async get(firmId: string, invoiceNumber: string, q: Queryable = this.db): Promise<InvoiceRecord | null> {
    const { rows } = await q.query(`SELECT ${columns} FROM invoices WHERE firm_id = $1 AND invoice_number = $2`, [
      firmId,
      invoiceNumber,
    ]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async require(firmId: string, invoiceNumber: string, q: Queryable = this.db): Promise<InvoiceRecord> {
    const invoice = await this.get(firmId, invoiceNumber, q);
    if (!invoice) throw new Error(`invoice ${invoiceNumber} of firm ${firmId} does not exist`);
    return invoice;
  }

  async list(
    firmId: string,
    filter: { status?: InvoiceStatus[]; matterId?: string } = {},
    q: Queryable = this.db,
  ): Promise<InvoiceRecord[]> {
    const { rows } = await q.query(
      `SELECT ${columns} FROM invoices WHERE firm_id = $1 AND ($2::text[] IS NULL OR status = ANY($2)) AND ($3::text IS NULL OR matter_id = $3)
       ORDER BY created_at, invoice_number`,
      [firmId, filter.status ?? null, filter.matterId ?? null],
    );
    return rows.map(toRecord);
  }

  async lines(firmId: string, invoiceNumber: string): Promise<InvoiceLine[]> {
    const { rows } = await this.db.query(
      `SELECT line_key, description, amount_cents, to_char(entry_date, 'YYYY-MM-DD') AS entry_date, seconds, rate_cents
       FROM invoice_lines WHERE firm_id = $1 AND invoice_number = $2 ORDER BY entry_date NULLS LAST, line_key`,
      [firmId, invoiceNumber],
    );
    return rows.map((r) => ({
      lineKey: r.line_key,
      description: r.description,
      amountCents: Number(r.amount_cents),
      date: r.entry_date ?? null,
      seconds: r.seconds ?? null,
      rateCents: r.rate_cents === null ? null : Number(r.rate_cents),
    }));
  }

  /** The invoices holding lines whose keys start with `lineKeyPrefix` (one upload's rows: `csv:<file key>:`). */
  async numbersWithLinesUnder(firmId: string, lineKeyPrefix: string, q: Queryable = this.db): Promise<string[]> {
    const { rows } = await q.query(
      'SELECT DISTINCT invoice_number FROM invoice_lines WHERE firm_id = $1 AND starts_with(line_key, $2) ORDER BY 1',
      [firmId, lineKeyPrefix],
    );
    return rows.map((r) => r.invoice_number as string);
  }

  /** Line keys (entry ids, flat periods) of this matter already on a live invoice. */
  async billedLineKeys(firmId: string, lineKeys: string[], q: Queryable = this.db): Promise<Set<string>> {
    if (lineKeys.length === 0) return new Set();
    const { rows } = await q.query('SELECT line_key FROM invoice_lines WHERE firm_id = $1 AND line_key = ANY($2)', [
      firmId,
      lineKeys,
    ]);
    return new Set(rows.map((r) => r.line_key as string));
  }

  async openDraft(
    client: pg.PoolClient,
    firmId: string,
    matterId: string,
    kind: InvoiceKind,
    period: string,
  ): Promise<InvoiceRecord | null> {
    const { rows } = await client.query(
      `SELECT ${columns} FROM invoices WHERE firm_id = $1 AND matter_id = $2 AND kind = $3 AND period = $4 AND status IN ('draft', 'awaiting_approval')`,
      [firmId, matterId, kind, period],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async nextSequence(client: pg.PoolClient, firmId: string, matterId: string): Promise<number> {
    const { rows } = await client.query(
      'SELECT coalesce(max(sequence), 0) + 1 AS next FROM invoices WHERE firm_id = $1 AND matter_id = $2',
      [firmId, matterId],
    );
    return Number(rows[0].next);
  }

  async insert(
    client: pg.PoolClient,
    invoice: Pick<
      InvoiceRecord,
      'firmId' | 'invoiceNumber' | 'matterId' | 'matterDisplayNumber' | 'sequence' | 'kind' | 'period' | 'totalCents'
    > &
      Partial<
        Pick<
          InvoiceRecord,
          'dueAt' | 'invoiceDate' | 'recipientName' | 'recipientEmail' | 'customMessage' | 'sendEmail'
        >
      >,
  ): Promise<void> {
    await client.query(
      `INSERT INTO invoices (firm_id, invoice_number, matter_id, matter_display_number, sequence, kind, period, status, total_cents,
         due_at, invoice_date, recipient_name, recipient_email, custom_message, send_email)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $10, $11, $12, $13, $14)`,
      [
        invoice.firmId,
        invoice.invoiceNumber,
        invoice.matterId,
        invoice.matterDisplayNumber,
        invoice.sequence,
        invoice.kind,
        invoice.period,
        invoice.totalCents,
        invoice.dueAt ?? null,
        invoice.invoiceDate ?? null,
        invoice.recipientName ?? null,
        invoice.recipientEmail ?? null,
        invoice.customMessage ?? null,
        invoice.sendEmail ?? true,
      ],
    );
  }

  /** Adds lines not on any invoice yet; returns the ones added (a concurrent claim loses quietly). */
  async addLines(
    client: pg.PoolClient,
    firmId: string,
    invoiceNumber: string,
    lines: InvoiceLine[],
  ): Promise<InvoiceLine[]> {
    const added: InvoiceLine[] = [];
    for (const line of lines) {
      const result = await client.query(
        `INSERT INTO invoice_lines (firm_id, invoice_number, line_key, description, amount_cents, entry_date, seconds, rate_cents)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (firm_id, line_key) DO NOTHING`,
        [
          firmId,
          invoiceNumber,
          line.lineKey,
          line.description,
          line.amountCents,
          line.date ?? null,
          line.seconds ?? null,
          line.rateCents ?? null,
        ],
      );
      if (result.rowCount === 1) added.push(line);
    }
    return added;
  }

  /** A voided invoice gives its time entries back: they may go on a later invoice. */
  async releaseLines(firmId: string, invoiceNumber: string, q: Queryable = this.db): Promise<void> {
    await q.query('DELETE FROM invoice_lines WHERE firm_id = $1 AND invoice_number = $2', [firmId, invoiceNumber]);
  }

  async recomputeTotal(client: pg.PoolClient, firmId: string, invoiceNumber: string): Promise<number> {
    const { rows } = await client.query(
      `UPDATE invoices SET total_cents = (SELECT sum(amount_cents) FROM invoice_lines WHERE firm_id = $1 AND invoice_number = $2), updated_at = now()
       WHERE firm_id = $1 AND invoice_number = $2 RETURNING total_cents`,
      [firmId, invoiceNumber],
    );
    return Number(rows[0].total_cents);
  }

  async update(
    firmId: string,
    invoiceNumber: string,
    changes: Partial<{
      status: InvoiceStatus;
      delivery: InvoiceRecord['delivery'];
      approvedBy: string;
      approvedAt: Date;
      issuedAt: Date;
      settledAt: Date;
      voidedAt: Date;
      escalatedAt: Date;
      trustAppliedCents: number;
      creditAppliedCents: number;
      dueAt: Date;
      emailedToName: string | null;
      emailedToEmail: string;
    }>,
    q: Queryable = this.db,
  ): Promise<void> {
    const map: Record<string, string> = {
      status: 'status',
      delivery: 'delivery',
      approvedBy: 'approved_by',
      approvedAt: 'approved_at',
      issuedAt: 'issued_at',
      settledAt: 'settled_at',
      voidedAt: 'voided_at',
      escalatedAt: 'escalated_at',
      trustAppliedCents: 'trust_applied_cents',
      creditAppliedCents: 'credit_applied_cents',
      dueAt: 'due_at',
      emailedToName: 'emailed_to_name',
      emailedToEmail: 'emailed_to_email',
    };
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return;
    const sets = entries.map(([key], i) => `${map[key]} = $${i + 3}`);
    await q.query(
      `UPDATE invoices SET ${sets.join(', ')}, updated_at = now() WHERE firm_id = $1 AND invoice_number = $2`,
      [firmId, invoiceNumber, ...entries.map(([, v]) => v)],
    );
  }

  /**
   * The invoice's paid amount is the net of its ledger rows, and its status what that money implies
   * (domain/invoiceMoney.ts): recomputed, never adjusted by a delta, so the order and number of events cannot matter.
   * Call under the matter lock, in the transaction that wrote the ledger row.
   */
  async recomputeMoney(
    client: pg.PoolClient,
    firmId: string,
    invoiceNumber: string,
    /** The invoice as this transaction read it under the matter's lock, when it has: it is not read again. */
    readUnderLock?: InvoiceRecord,
  ): Promise<InvoiceRecord> {
    const { rows: ledger } = await client.query(
      `SELECT effect_cents FROM processed_payments WHERE firm_id = $1 AND invoice_number = $2 AND state = 'applied'`,
      [firmId, invoiceNumber],
    );
    const before = readUnderLock ?? (await this.require(firmId, invoiceNumber, client));
    const paidCents = netPaidCents(ledger.map((r) => ({ effectCents: Number(r.effect_cents) })));
    const status = statusAfterMoney({ ...moneyOf(before), paidCents });
    const { rows } = await client.query(
      `UPDATE invoices SET paid_cents = $3, status = $4,
         settled_at = CASE WHEN $4 = 'paid' THEN coalesce(settled_at, clock_timestamp()) WHEN $4 = 'void' THEN settled_at ELSE NULL END, updated_at = now()
       WHERE firm_id = $1 AND invoice_number = $2
       RETURNING ${columns}`,
      [firmId, invoiceNumber, paidCents, status],
    );
    return toRecord(rows[0]);
  }
}
