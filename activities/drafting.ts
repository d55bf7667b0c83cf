import type pg from 'pg';
import { invoiceNumber } from '../domain/invoiceNumber';
import type { InvoiceRecord, InvoiceRepository } from '../store/invoices';
import { MatterLinkRepository } from '../store/matterLinks';
import type { DraftRequest } from './billing';

/** A new invoice of record. One an admin makes (an upload row, a quick link) may bring its own number and terms. */
export interface NewInvoice extends DraftRequest {
  /** Its own number (a ClientPay upload's); default `<matter display number>-<sequence>`. */
  ownNumber?: string | null;
  terms?: Partial<
    Pick<InvoiceRecord, 'dueAt' | 'invoiceDate' | 'recipientName' | 'recipientEmail' | 'customMessage' | 'sendEmail'>
  >;
}

/** An invoice number that is already one of the firm's invoices: each invoice needs its own. */
export class InvoiceNumberTakenError extends Error {
  constructor(readonly invoiceNumber: string) {
    super(`invoice number ${invoiceNumber} is already taken: choose another`);
    this.name = 'InvoiceNumberTakenError';
  }
}

/**
 * Writes a new draft invoice and its lines: the one way an invoice of record is numbered and created, for billing
 * runs and admins alike. Runs in the caller's transaction, which holds the matter's lock (lockMatter), so two
 * drafts of one matter never take the same sequence. The total is the sum of the lines; the lines added may be
 * fewer than asked when another invoice claimed one meanwhile (the store's primary key decides), and the caller
 * says what that means.
 */
export async function writeDraftInvoice(
  client: pg.PoolClient,
  invoices: InvoiceRepository,
  draft: NewInvoice,
): Promise<{ invoiceNumber: string; totalCents: number; linesAdded: number }> {
  const sequence = await invoices.nextSequence(client, draft.firmId, draft.matterId);
  const number = draft.ownNumber ?? invoiceNumber(draft.matterDisplayNumber, sequence);
  if (await invoices.get(draft.firmId, number, client)) throw new InvoiceNumberTakenError(number);
  const totalCents = draft.lines.reduce((sum, l) => sum + l.amountCents, 0);
  await invoices.insert(client, {
    firmId: draft.firmId,
    invoiceNumber: number,
    matterId: draft.matterId,
    matterDisplayNumber: draft.matterDisplayNumber,
    sequence,
    kind: draft.kind,
    period: draft.period,
    totalCents,
    ...draft.terms,
  });
  const added = await invoices.addLines(client, draft.firmId, number, draft.lines);
  // A matter matterpay bills is in its lookup table, whether or not the practice system's webhook announcing it
  // arrived: payments naming its number, and `matterpay link`, find it (docs/domain.md §4.6). An existing mapping
  // of that number is left as it is.
  await new MatterLinkRepository(client).add(draft.firmId, {
    processor: 'any',
    externalReference: draft.matterDisplayNumber,
    practiceMatterId: draft.matterId,
    matterDisplayNumber: draft.matterDisplayNumber,
    source: 'canonical',
  });
  return { invoiceNumber: number, totalCents, linesAdded: added.length };
}
