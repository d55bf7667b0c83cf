import type { Db } from './db';

export interface ProcessorCheckout {
  processor: string;
  checkoutId: string;
  invoiceNumber: string;
  amountCents: number;
}

/** Checkouts opened at the processor for a pay link, so a stale one can be expired (migration 0005). */
export class CheckoutRepository {
  constructor(private readonly db: Db) {}

  async record(firmId: string, checkout: ProcessorCheckout): Promise<void> {
    await this.db.query(
      `INSERT INTO processor_checkouts (firm_id, processor, checkout_id, invoice_number, amount_cents) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [firmId, checkout.processor, checkout.checkoutId, checkout.invoiceNumber, checkout.amountCents],
    );
  }

  async open(firmId: string, invoiceNumber: string): Promise<ProcessorCheckout[]> {
    const { rows } = await this.db.query(
      `SELECT processor, checkout_id, invoice_number, amount_cents FROM processor_checkouts WHERE firm_id = $1 AND invoice_number = $2 AND state = 'open'`,
      [firmId, invoiceNumber],
    );
    return rows.map((r) => ({
      processor: r.processor,
      checkoutId: r.checkout_id,
      invoiceNumber: r.invoice_number,
      amountCents: Number(r.amount_cents),
    }));
  }

  async expiredCount(firmId: string, invoiceNumber: string): Promise<number> {
    const { rows } = await this.db.query(
      `SELECT count(*)::int AS n FROM processor_checkouts WHERE firm_id = $1 AND invoice_number = $2 AND state = 'expired'`,
      [firmId, invoiceNumber],
    );
    return Number(rows[0].n);
  }

  async markExpired(firmId: string, processor: string, checkoutId: string): Promise<void> {
    await this.db.query(
      `UPDATE processor_checkouts SET state = 'expired', expired_at = now() WHERE firm_id = $1 AND processor = $2 AND checkout_id = $3`,
      [firmId, processor, checkoutId],
    );
  }
}
