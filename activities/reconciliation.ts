import { localDate } from '../domain/dates';
import { parseInvoiceNumber } from '../domain/invoiceNumber';
import { formatCents } from '../domain/money';
import type { Payment } from '../connectors/ports';
import { AlertRepository } from '../store/alerts';
import { inTransaction } from '../store/db';
import { InvoiceRepository, lockMatter } from '../store/invoices';
import { MatterLinkRepository } from '../store/matterLinks';
import { PaymentRepository, adjustInvoicePaid } from '../store/payments';
import { PracticeWriteRepository } from '../store/practiceWrites';
import type { ActivityDeps } from './deps';
import { writeNoteOnce } from './notes';

export type ApplyOutcome =
  | { state: 'applied'; firstTime: boolean; invoiceNumber: string | null; matterId: string; paidCentsAfter: number; amountDueCentsAfter: number }
  | { state: 'unmatched'; reason: string }
  | { state: 'ignored'; reason: string };

const paymentKey = (p: Payment) => `payment/${p.processor}/${p.transactionId}/${p.kind}`;

export function reconciliationActivities(deps: ActivityDeps) {
  const payments = new PaymentRepository(deps.db);
  const invoices = new InvoiceRepository(deps.db);
  const links = new MatterLinkRepository(deps.db);
  const alerts = new AlertRepository(deps.db);
  const writes = new PracticeWriteRepository(deps.db);

  /** Which invoice (or at least which matter) a payment belongs to: by invoice number, lookup table, or its charge. */
  async function resolve(firmId: string, payment: Payment): Promise<{ matterId: string; invoiceNumber: string | null } | null> {
    if (payment.kind === 'refund' && payment.chargeTransactionId) {
      const charge = await payments.get(firmId, payment.processor, payment.chargeTransactionId, 'charge');
      if (charge?.state === 'applied' && charge.matterId) return { matterId: charge.matterId, invoiceNumber: charge.invoiceNumber };
    }
    const reference = payment.reference?.trim();
    if (!reference) return null;
    const invoice = await invoices.get(firmId, reference);
    if (invoice) return { matterId: invoice.matterId, invoiceNumber: invoice.invoiceNumber };
    const link = (await links.resolve(firmId, payment.processor, reference))
      ?? (parseInvoiceNumber(reference) ? await links.resolve(firmId, payment.processor, parseInvoiceNumber(reference)!.matterDisplayNumber) : null);
    if (!link) return null;
    // A legacy reference names a matter, not an invoice: the payment goes to its oldest invoice still owing.
    const owing = await invoices.list(firmId, { matterId: link.practiceMatterId, status: ['issued', 'partially_paid'] });
    return { matterId: link.practiceMatterId, invoiceNumber: owing[0]?.invoiceNumber ?? null };
  }

  return {
    /**
     * Applies one completed payment exactly once (DESIGN §4.6): the ledger row and the invoice's new balance are
     * written in one transaction under the matter's lock, keyed by (processor, transaction, kind). A second call
     * for the same payment finds the row and changes nothing. Unknown references are parked, never dropped.
     */
    async applyPayment(input: { firmId: string; payment: Payment }): Promise<ApplyOutcome> {
      const { firmId, payment } = input;
      if (payment.status !== 'completed') return { state: 'ignored', reason: `the ${payment.kind} is ${payment.status}` };
      if (payment.accountKind === 'trust') {
        // Money into trust is the client's, held for later invoices: it never pays an invoice directly.
        return { state: 'ignored', reason: 'a deposit to the trust account, not an invoice payment' };
      }
      const existing = await payments.get(firmId, payment.processor, payment.transactionId, payment.kind);
      if (existing?.state === 'applied') return appliedOutcome(firmId, existing.matterId!, existing.invoiceNumber, false);

      const target = await resolve(firmId, payment);
      if (!target) {
        await inTransaction(deps.db, (client) => payments.insert(client, row('unmatched', null, null, 'no invoice or matter matches the reference')));
        await alerts.raise(firmId, 'unmatched-payment', `${payment.processor}/${payment.transactionId}`,
          `${formatCents(payment.amountCents)} ${payment.kind} ${payment.transactionId} via ${payment.processor} has reference "${payment.reference ?? ''}", which matches no matter. Map it with: matterpay link "${payment.reference ?? ''}" <matter>`);
        deps.logger?.warn({ firmId, processor: payment.processor, transaction: payment.transactionId, amountCents: payment.amountCents, reference: payment.reference },
          'payment parked: its reference matches no matter (see `matterpay alerts`; map it with `matterpay link`)');
        return { state: 'unmatched', reason: `reference "${payment.reference ?? ''}" matches no matter` };
      }

      const firstTime = await inTransaction(deps.db, async (client) => {
        await lockMatter(client, firmId, target.matterId);
        const current = await payments.get(firmId, payment.processor, payment.transactionId, payment.kind, client);
        if (current?.state === 'applied') return false;
        const detail = target.invoiceNumber ? null : 'no open invoice on the matter: held as a credit';
        if (current?.state === 'unmatched') {
          await payments.markApplied(client, { firmId, processor: payment.processor, transactionId: payment.transactionId, kind: payment.kind, invoiceNumber: target.invoiceNumber, matterId: target.matterId, detail });
        } else {
          await payments.insert(client, row('applied', target.invoiceNumber, target.matterId, detail));
        }
        if (target.invoiceNumber) {
          await adjustInvoicePaid(client, firmId, target.invoiceNumber, payment.kind === 'refund' ? -payment.amountCents : payment.amountCents);
        }
        return true;
      });
      if (firstTime) {
        await alerts.resolve(firmId, 'unmatched-payment', `${payment.processor}/${payment.transactionId}`);
        deps.logger?.info({ firmId, processor: payment.processor, transaction: payment.transactionId, kind: payment.kind, amountCents: payment.amountCents, invoice: target.invoiceNumber },
          `${payment.kind} applied`);
      }
      return appliedOutcome(firmId, target.matterId, target.invoiceNumber, firstTime);

      function row(state: 'applied' | 'unmatched', invoiceNumber: string | null, matterId: string | null, detail: string | null) {
        return {
          firmId, processor: payment.processor, transactionId: payment.transactionId, kind: payment.kind, amountCents: payment.amountCents,
          reference: payment.reference, invoiceNumber, matterId, state, detail, occurredAt: new Date(payment.occurredAt),
        };
      }
    },

    /**
     * One page of the processor's transactions since `sinceIso`, reduced to the completed ones the store has never
     * seen: what the sweep must reconcile. Everything else (recorded already, pending, failed) is left alone.
     */
    async sweepPage(input: { firmId: string; sinceIso: string; cursor: string | null }): Promise<{ scanned: number; unrecorded: Payment[]; nextCursor: string | null }> {
      const page = await deps.firm(input.firmId).processor.listTransactionsSince(input.sinceIso, input.cursor);
      const completed = page.items.filter((p) => p.status === 'completed' && p.accountKind === 'operating');
      const unrecorded: Payment[] = [];
      for (const payment of completed) {
        if (!(await payments.get(input.firmId, payment.processor, payment.transactionId, payment.kind))) unrecorded.push(payment);
      }
      return { scanned: page.items.length, unrecorded, nextCursor: page.nextCursor };
    },

    /** A failed (or otherwise unapplied) payment is recorded as a note on its matter when the matter is known. */
    async noteUnappliedPayment(input: { firmId: string; payment: Payment; reason: string }): Promise<'noted' | 'no matter'> {
      const { payment } = input;
      const target = await resolve(input.firmId, payment);
      if (!target) return 'no matter';
      await writeNoteOnce(deps, writes, {
        firmId: input.firmId, matterId: target.matterId, key: `${paymentKey(payment)}/${payment.status}`,
        subject: `Payment ${payment.status}: ${formatCents(payment.amountCents)}`,
        detail: `A ${payment.kind} of ${formatCents(payment.amountCents)} via ${payment.processor} (transaction ${payment.transactionId}) ${target.invoiceNumber ? `for invoice ${target.invoiceNumber} ` : ''}was not applied: ${input.reason}.`,
        date: localDate(new Date(payment.occurredAt).getTime(), deps.firm(input.firmId).timeZone),
      });
      return 'noted';
    },

    /** The note on the matter for an applied payment or refund, once per payment. */
    async notePayment(input: { firmId: string; payment: Payment; matterId: string; invoiceNumber: string | null; amountDueCentsAfter: number }): Promise<void> {
      const { payment } = input;
      const what = payment.kind === 'refund' ? 'Refund' : 'Payment';
      const target = input.invoiceNumber ? `invoice ${input.invoiceNumber}` : 'the matter (no open invoice: held as a credit)';
      await writeNoteOnce(deps, writes, {
        firmId: input.firmId, matterId: input.matterId, key: paymentKey(payment),
        subject: `${what} ${payment.kind === 'refund' ? 'issued' : 'received'}: ${formatCents(payment.amountCents)}`,
        detail: `${what} of ${formatCents(payment.amountCents)} via ${payment.processor} (transaction ${payment.transactionId}) applied to ${target}.` +
          (input.invoiceNumber ? ` Balance due now ${formatCents(input.amountDueCentsAfter)}.` : ''),
        date: localDate(new Date(payment.occurredAt).getTime(), deps.firm(input.firmId).timeZone),
      });
    },
  };

  async function appliedOutcome(firmId: string, matterId: string, invoiceNumber: string | null, firstTime: boolean): Promise<ApplyOutcome> {
    const invoice = invoiceNumber ? await invoices.get(firmId, invoiceNumber) : null;
    return { state: 'applied', firstTime, invoiceNumber, matterId, paidCentsAfter: invoice?.paidCents ?? 0, amountDueCentsAfter: invoice?.amountDueCents ?? 0 };
  }
}
