import { dueAtForDate } from '../domain/dueDates';
import { inTransaction, type Db } from '../store/db';
import { InvoiceRepository, lockMatter } from '../store/invoices';
import { writeDraftInvoice } from './drafting';

/** One invoice an admin makes (a `send-csv` row, a `quick-link`): one line, kind `manual`. */
export interface ManualInvoiceRequest {
  matter: { practiceMatterId: string; matterDisplayNumber: string };
  lineKey: string;
  description: string;
  amountCents: number;
  period: string;
  invoiceNumber: string | null;
  invoiceDate: string | null;
  /** YYYY-MM-DD on the firm's calendar. */
  dueDate: string | null;
  recipientName: string | null;
  recipientEmail: string | null;
  customMessage: string | null;
  sendEmail: boolean;
}

/**
 * Writes admin-made invoices of record in one transaction, all or none, through the same drafting as a billing run;
 * their invoice workflows then issue them like any other. Idempotent by `linePrefix` (the batch's line keys start
 * with it): a batch written before is not written again, and its invoice numbers are returned.
 */
export async function draftManualInvoices(
  db: Db,
  input: { firmId: string; timeZone: string; linePrefix: string | null; requests: ManualInvoiceRequest[] },
): Promise<{ fresh: boolean; numbers: string[] }> {
  const invoices = new InvoiceRepository(db);
  return inTransaction(db, async (client) => {
    if (input.linePrefix) {
      const earlier = await invoices.numbersWithLinesUnder(input.firmId, input.linePrefix, client);
      if (earlier.length > 0) return { fresh: false, numbers: earlier };
    }
    const numbers: string[] = [];
    for (const request of input.requests) {
      await lockMatter(client, input.firmId, request.matter.practiceMatterId);
      const drafted = await writeDraftInvoice(client, invoices, {
        firmId: input.firmId,
        matterId: request.matter.practiceMatterId,
        matterDisplayNumber: request.matter.matterDisplayNumber,
        kind: 'manual',
        period: request.period,
        lines: [{ lineKey: request.lineKey, description: request.description, amountCents: request.amountCents }],
        ownNumber: request.invoiceNumber,
        terms: {
          dueAt: request.dueDate ? new Date(dueAtForDate(request.dueDate, input.timeZone)) : null,
          invoiceDate: request.invoiceDate,
          recipientName: request.recipientName,
          recipientEmail: request.recipientEmail,
          customMessage: request.customMessage,
          sendEmail: request.sendEmail,
        },
      });
      numbers.push(drafted.invoiceNumber);
    }
    return { fresh: true, numbers };
  });
}
