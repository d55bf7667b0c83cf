import { creditToApplyCents, matterCreditCents } from '../domain/invoiceMoney';
import { formatCents } from '../domain/money';
import { localDate } from '../domain/dates';
import { inTransaction } from '../store/db';
import { InvoiceRepository, lockMatter, moneyOf } from '../store/invoices';
import { PaymentRepository } from '../store/payments';
import type { ActivityDeps } from './deps';
import { writeNoteOnce } from './notes';

export function creditActivities(deps: ActivityDeps) {
  const invoices = new InvoiceRepository(deps.db);
  const payments = new PaymentRepository(deps.db);

  return {
    /**
     * Applies the matter's credit (overpayments, the paid part of void invoices, payments held on the matter) to
     * this invoice before trust and before a pay link is made (docs/domain.md §4.3), under the matter lock. Once per invoice:
     * an invoice that already took credit takes none again. Credit is never moved to trust.
     */
    async applyMatterCredit(input: { firmId: string; invoiceNumber: string }): Promise<{ creditCents: number }> {
      const { firmId, invoiceNumber } = input;
      const applied = await inTransaction(deps.db, async (client) => {
        const invoice = await invoices.require(firmId, invoiceNumber, client);
        await lockMatter(client, firmId, invoice.matterId);
        const current = await invoices.require(firmId, invoiceNumber, client);
        if (current.creditAppliedCents > 0 || (current.status !== 'draft' && current.status !== 'awaiting_approval'))
          return null;
        const matterInvoices = await invoices.list(firmId, { matterId: current.matterId }, client);
        const available = matterCreditCents({
          invoices: matterInvoices.map(moneyOf),
          heldOnMatterCents: await payments.heldOnMatterCents(firmId, current.matterId, client),
        });
        const creditCents = creditToApplyCents({
          matterCreditCents: available,
          totalCents: current.totalCents,
          trustAppliedCents: current.trustAppliedCents,
        });
        if (creditCents === 0) return null;
        await invoices.update(firmId, invoiceNumber, { creditAppliedCents: creditCents }, client);
        await writeNoteOnce(
          deps,
          {
            firmId,
            matterId: current.matterId,
            key: `invoice/${invoiceNumber}/credit`,
            subject: `Invoice ${invoiceNumber}: matter credit applied`,
            detail: `${formatCents(creditCents)} of credit held on the matter (an earlier overpayment or a voided invoice's payments) applied to invoice ${invoiceNumber}.`,
            date: localDate(Date.now(), deps.firm(firmId).timeZone),
          },
          client,
        );
        return creditCents;
      });
      if (applied !== null) await deps.wakeWritebacks?.(firmId);
      return { creditCents: applied ?? 0 };
    },
  };
}
