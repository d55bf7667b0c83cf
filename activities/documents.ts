/** The client PDFs as mail attachments, built from the store when the mail is composed. */
import type { MailAttachment } from '../connectors/ports';
import { invoicePdfName, renderInvoicePdf } from '../documents/invoicePdf';
import { loadInvoiceView } from '../documents/loadInvoiceView';
import type { Db } from '../store/db';
import { clientFacingOf, type FirmServices } from './deps';

export async function invoicePdfAttachment(
  db: Db,
  firm: FirmServices,
  invoiceNumber: string,
  options: {
    payLinkUrl: string | null;
    matterDescription: string | null;
    billedTo: string | null;
  },
): Promise<MailAttachment> {
  const view = await loadInvoiceView(db, {
    firmId: firm.firmId,
    invoiceNumber,
    clientFacing: clientFacingOf(firm),
    timeZone: firm.timeZone,
    matterDescription: options.matterDescription,
    billedTo: options.billedTo,
  });
  if (!view) throw new Error(`invoice ${invoiceNumber} of firm ${firm.firmId} does not exist`);
  return {
    filename: invoicePdfName(invoiceNumber),
    contentType: 'application/pdf',
    content: await renderInvoicePdf(view, { payLinkUrl: options.payLinkUrl }),
  };
}
