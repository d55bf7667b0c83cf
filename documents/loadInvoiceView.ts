import type { ClientFacing } from '../activities/deps';
import type { Db } from '../store/db';
import { InvoiceRepository, type InvoiceRecord } from '../store/invoices';
import { PaymentRepository } from '../store/payments';
import { buildInvoiceView, type InvoiceView } from './invoiceView';

/** Reads one invoice's client view from the store (three queries); null when the firm has no such invoice. */
export async function loadInvoiceView(
  db: Db,
  input: {
    firmId: string;
    invoiceNumber: string;
    clientFacing: ClientFacing;
    timeZone: string;
    nowMs?: number;
    matterDescription?: string | null;
    billedTo?: string | null;
    /** The invoice as the caller has just read it from the store, so it is not read twice. */
    invoice?: InvoiceRecord;
  },
): Promise<InvoiceView | null> {
  const invoices = new InvoiceRepository(db);
  const invoice = input.invoice ?? (await invoices.get(input.firmId, input.invoiceNumber));
  if (!invoice) return null;
  const [lines, payments] = await Promise.all([
    invoices.lines(input.firmId, input.invoiceNumber),
    new PaymentRepository(db).list(input.firmId, { state: 'applied', invoiceNumber: input.invoiceNumber }),
  ]);
  return buildInvoiceView({
    invoice,
    lines,
    payments,
    firmName: input.clientFacing.firmName,
    defaultMessage: input.clientFacing.emailMessage,
    disclaimer: input.clientFacing.disclaimer,
    timeZone: input.timeZone,
    nowMs: input.nowMs ?? Date.now(),
    matterDescription: input.matterDescription,
    billedTo: input.billedTo,
  });
}
