import { VendorRejectedError } from '../connectors/errors';
import { ApplicationFailure } from '@temporalio/activity';
import { isDeliverableEmail } from '../domain/deliverableEmail';
import { localDate } from '../domain/dates';
import { parseInvoiceNumber } from '../domain/invoiceNumber';
import { formatCents } from '../domain/money';
import { AlertRepository } from '../store/alerts';
import { inTransaction, inTransactionWithSpare } from '../store/db';
import { InvoiceRepository, lockMatter, type InvoiceRecord, type InvoiceStatus } from '../store/invoices';
import { PayLinkRepository } from '../store/payLinks';
import { TrustDrawRepository } from '../store/trustDraws';
import { dueAtForTerms } from '../domain/dueDates';
import { clientFacingOf, DEFAULT_PAYMENT_TERMS_DAYS, type ActivityDeps } from './deps';
import { invoicePdfAttachment } from './documents';
import { outageHoursOnLastAttempts } from './lastAttempt';
import { mailerRecordingOn } from './messages';
import { checkoutActivities } from './checkouts';
import { invoiceEmail, type EmailPurpose } from './emails';
import { closeNoteMoment, queueWriteback, writeNoteOnce, type MatterNoteRequest } from './notes';
import { knownMatter, type KnownMatter } from '../shared/knownMatter';
import { issueMoment } from '../shared/noteMoments';
import type { InvoiceSnapshot } from '../shared/invoiceSnapshot';

export type { InvoiceSnapshot };

export function snapshot(invoice: InvoiceRecord): InvoiceSnapshot {
  return {
    invoiceNumber: invoice.invoiceNumber,
    matterId: invoice.matterId,
    matterDisplayNumber: invoice.matterDisplayNumber,
    status: invoice.status,
    totalCents: invoice.totalCents,
    trustAppliedCents: invoice.trustAppliedCents,
    creditAppliedCents: invoice.creditAppliedCents,
    paidCents: invoice.paidCents,
    amountDueCents: invoice.amountDueCents,
    overpaymentCents: invoice.overpaymentCents,
    issuedAtMs: invoice.issuedAt?.getTime() ?? null,
    escalated: invoice.escalatedAt !== null,
    dueAtMs: invoice.dueAt?.getTime() ?? null,
    revision: invoice.revision,
  };
}

export type DeliveryOutcome = 'sent' | 'held' | 'matter closed' | 'nothing due' | 'firm sends it';

export interface DeliveryRequest {
  firmId: string;
  invoiceNumber: string;
  purpose: EmailPurpose;
  /** The matter as this cycle already read it (issue only): used instead of reading it again while it is recent. */
  known?: KnownMatter;
  /** The note moment this delivery completes: its note joins it, and the moment is closed whatever the outcome. */
  moment?: MatterNoteRequest['moment'];
}

/** What a held delivery's note asks of the firm when the client's address is what failed. */
const ADD_AN_ADDRESS = 'Give the client a working address in the practice system, or send the invoice by hand';

export function invoiceActivities(deps: ActivityDeps) {
  const invoices = new InvoiceRepository(deps.db);
  const links = new PayLinkRepository(deps.db);
  const alerts = new AlertRepository(deps.db);
  const draws = new TrustDrawRepository(deps.db);
  const checkouts = checkoutActivities(deps);

  /**
   * The matter's reference field shows the latest invoice (docs/domain.md §4.2), but only where the firm left it empty or
   * matterpay wrote it: a reference the firm set for its own use is never overwritten. Queued, like every write-back.
   */
  async function referenceMatter(
    firmId: string,
    invoice: InvoiceRecord,
    currentReference: string | null,
  ): Promise<void> {
    const ours =
      !currentReference || parseInvoiceNumber(currentReference)?.matterDisplayNumber === invoice.matterDisplayNumber;
    if (ours)
      await queueWriteback(deps, firmId, `invoice/${invoice.invoiceNumber}/reference`, invoice.matterId, {
        kind: 'reference',
        reference: invoice.invoiceNumber,
      });
  }

  return {
    async loadInvoice(input: { firmId: string; invoiceNumber: string }): Promise<InvoiceSnapshot> {
      return snapshot(await invoices.require(input.firmId, input.invoiceNumber));
    },

    async markAwaitingApproval(input: { firmId: string; invoiceNumber: string }): Promise<void> {
      await invoices.update(input.firmId, input.invoiceNumber, { status: 'awaiting_approval' });
    },

    async recordApproval(input: {
      firmId: string;
      invoiceNumber: string;
      approvedBy: string;
      approvedAtMs: number;
    }): Promise<void> {
      await invoices.update(input.firmId, input.invoiceNumber, {
        approvedBy: input.approvedBy,
        approvedAt: new Date(input.approvedAtMs),
      });
    },

    /**
     * Issues once: settled from trust when nothing remains due (no link, no reminders), otherwise issued with an
     * outstanding pay link. The issue time is kept from the first call, so a retry never moves the reminder dates.
     */
    async issueInvoice(input: {
      firmId: string;
      invoiceNumber: string;
      nowMs: number;
    }): Promise<{ snapshot: InvoiceSnapshot; payLinkUrl: string | null }> {
      const firm = deps.firm(input.firmId);
      const invoice = await invoices.require(input.firmId, input.invoiceNumber);
      if (invoice.status === 'void')
        throw ApplicationFailure.nonRetryable(`invoice ${input.invoiceNumber} is void`, 'InvoiceRuleError');
      if (invoice.status === 'draft' || invoice.status === 'awaiting_approval') {
        const settled = invoice.amountDueCents === 0;
        await invoices.update(
          input.firmId,
          input.invoiceNumber,
          settled
            ? {
                status: 'paid',
                settledAt: new Date(input.nowMs),
                issuedAt: new Date(input.nowMs),
                delivery: 'not_needed',
              }
            : { status: 'issued', issuedAt: new Date(input.nowMs) },
        );
      }
      // The due date follows from the issue date and the firm's terms, unless the invoice came with its own.
      if (!invoice.dueAt) {
        const issuedAtMs = invoice.issuedAt?.getTime() ?? input.nowMs;
        await invoices.update(input.firmId, input.invoiceNumber, {
          dueAt: new Date(
            dueAtForTerms(issuedAtMs, firm.paymentTermsDays ?? DEFAULT_PAYMENT_TERMS_DAYS, firm.timeZone),
          ),
        });
      }
      const current = await invoices.require(input.firmId, input.invoiceNumber);
      deps.logger?.info(
        {
          firmId: input.firmId,
          invoice: input.invoiceNumber,
          totalCents: current.totalCents,
          trustCents: current.trustAppliedCents,
          dueCents: current.amountDueCents,
        },
        current.amountDueCents === 0 ? 'invoice settled from trust' : 'invoice issued',
      );
      if (current.amountDueCents === 0) return { snapshot: snapshot(current), payLinkUrl: null };
      const link = await links.ensureOutstanding(input.firmId, input.invoiceNumber, firm.payLinkTtlMs);
      return { snapshot: snapshot(current), payLinkUrl: `${firm.publicBaseUrl}/pay/${link.token}` };
    },

    /**
     * Emails the invoice or a reminder, once per purpose (the purpose is the mail's idempotency key). Checks first
     * that the matter is open and money is still due, and that the client has a deliverable email; if not, the
     * delivery is held with an alert and a note, never skipped in silence.
     */
    async deliverInvoice(input: DeliveryRequest): Promise<DeliveryOutcome> {
      const firm = deps.firm(input.firmId);
      // An outcome without a note still completes the moment: what it holds is written now.
      const noNote = async (outcome: DeliveryOutcome) => {
        if (input.moment?.closes) await closeNoteMoment(deps, input.firmId, input.moment.key);
        return outcome;
      };
      const invoice = await invoices.require(input.firmId, input.invoiceNumber);
      if (invoice.amountDueCents === 0 || invoice.status === 'void') return noNote('nothing due');
      const link = await links.outstanding(input.firmId, input.invoiceNumber);
      const today = localDate(Date.now(), firm.timeZone);
      /** Not emailed, and never in silence: the delivery is held, with an alert for the firm and a note on the matter. */
      const hold = async (
        alertReason: string,
        noteReason: string,
        advice = ADD_AN_ADDRESS,
      ): Promise<DeliveryOutcome> => {
        await invoices.update(input.firmId, input.invoiceNumber, { delivery: 'held' });
        deps.logger?.warn(
          { firmId: input.firmId, invoice: input.invoiceNumber },
          'invoice delivery held (see `matterpay alerts`)',
        );
        await alerts.raise(
          input.firmId,
          'delivery-held',
          input.invoiceNumber,
          `Invoice ${input.invoiceNumber} was not emailed: ${alertReason}.`,
        );
        await writeNoteOnce(deps, {
          firmId: input.firmId,
          matterId: invoice.matterId,
          key: `invoice/${input.invoiceNumber}/held`,
          subject: `Invoice ${input.invoiceNumber}: delivery held`,
          detail: `Invoice ${input.invoiceNumber} for ${formatCents(invoice.amountDueCents)} could not be emailed because ${noteReason}. ${advice}${link ? `; its pay link is ${firm.publicBaseUrl}/pay/${link.token}` : ''}.`,
          date: today,
          moment: input.moment,
        });
        return 'held';
      };
      // The invoice's first email: the evaluation that drafted it has just read the matter.
      let matter = input.purpose === 'issued' ? knownMatter(input.known, invoice.matterId, Date.now()) : null;
      try {
        matter ??= await firm.practice.getMatter(invoice.matterId);
      } catch (err) {
        // The practice system down for nearly the step's six hours: held rather than failing the invoice's workflow.
        const hours = outageHoursOnLastAttempts(err);
        if (hours !== null)
          return hold(
            `its matter could not be read from the practice system for ${hours} hours (${(err as Error).message})`,
            `the practice system could not be read for ${hours} hours`,
            'The next reminder tries again; send it by hand if it cannot wait',
          );
        // Deleted in the practice system: no client to email, and no retry brings it back. The invoice stays open.
        if (!(err instanceof VendorRejectedError) || err.status !== 404 || err.connectionRefused) throw err;
        return hold(
          `its matter ${invoice.matterId} is no longer in the practice system (${err.message})`,
          'its matter is no longer in the practice system',
          'Send it to the client by hand',
        );
      }
      if (matter.status === 'closed') return noNote('matter closed');
      if (input.purpose === 'issued') await referenceMatter(input.firmId, invoice, matter.clientReference);
      if (!invoice.sendEmail) {
        // `--no-email`: the firm sends the pay link itself; matterpay sends neither the invoice nor reminders.
        if (invoice.delivery !== 'not_needed')
          await invoices.update(input.firmId, input.invoiceNumber, { delivery: 'not_needed' });
        return noNote('firm sends it');
      }
      const email = invoice.recipientEmail ?? matter.client.email;
      if (!email || !isDeliverableEmail(email))
        return hold(
          `the client has ${email ? `an undeliverable email address (${email})` : 'no email address'} in the practice system`,
          'the client has no valid email address',
        );
      const payLinkUrl = link ? `${firm.publicBaseUrl}/pay/${link.token}` : null;
      const clientName = invoice.recipientName ?? matter.client.name;
      const attachments =
        input.purpose === 'issued'
          ? [
              await invoicePdfAttachment(deps.db, firm, input.invoiceNumber, {
                payLinkUrl,
                matterDescription: matter.description,
                billedTo: clientName,
              }),
            ]
          : undefined;
      // The practice-system read above takes seconds under load; a payment applied meanwhile must stop this email.
      // So the money is read again and the email sent under the matter lock payments are applied under: a payment
      // lands either before (nothing due, no email) or after the email, never in between. The email's record is kept
      // on a connection of its own, taken with the transaction's, so it stands if the transaction rolls back.
      const sending = inTransactionWithSpare(deps.db, async (client, spare) => {
        await lockMatter(client, input.firmId, invoice.matterId);
        const current = await invoices.require(input.firmId, input.invoiceNumber, client);
        if (current.amountDueCents === 0 || current.status === 'void') return null;
        const message = invoiceEmail({
          purpose: input.purpose,
          invoiceNumber: input.invoiceNumber,
          clientName,
          matterDescription: matter.description,
          amountDueCents: current.amountDueCents,
          totalCents: current.totalCents,
          trustAppliedCents: current.trustAppliedCents,
          payLinkUrl,
          dueDate: current.dueAt ? localDate(current.dueAt.getTime(), firm.timeZone) : null,
          firmMessage: current.customMessage ?? clientFacingOf(firm).emailMessage,
        });
        await mailerRecordingOn(firm.mailer, spare).send({
          to: email,
          subject: message.subject,
          text: message.text,
          attachments,
          idempotencyKey: `${input.firmId}/${input.invoiceNumber}/${input.purpose}`,
        });
        return { message, amountDueCents: current.amountDueCents };
      });
      let sent: Awaited<typeof sending>;
      try {
        sent = await sending;
      } catch (err) {
        // A refusal for good (a 5xx: the mailbox does not exist) cannot pass on a retry; failing here would end the
        // invoice's workflow after it was issued, with no reminder, no alert and no one to settle it when paid.
        // An outage (the server down, matterpay's login refused) is retried, but held too on the step's last
        // attempts, for the same reason: the invoice stays open and its next reminder tries again.
        const hours = outageHoursOnLastAttempts(err);
        if (hours !== null)
          return hold(
            `the mail server has not taken it for ${hours} hours (${(err as Error).message})`,
            `the mail server has not taken it for ${hours} hours`,
            'The next reminder tries again; send it by hand if it cannot wait',
          );
        if (!(err instanceof VendorRejectedError)) throw err;
        return hold(
          `the client's mail server refused ${email} (${err.message})`,
          `the client's mail server refused ${email}, a valid address`,
        );
      }
      if (!sent) return noNote('nothing due');
      const { message } = sent;
      if (invoice.delivery !== 'sent' || invoice.emailedToEmail !== email || invoice.emailedToName !== clientName)
        await invoices.update(input.firmId, input.invoiceNumber, {
          delivery: 'sent',
          emailedToEmail: email,
          emailedToName: clientName,
        });
      await alerts.resolve(input.firmId, 'delivery-held', input.invoiceNumber);
      await writeNoteOnce(deps, {
        firmId: input.firmId,
        matterId: invoice.matterId,
        key: `invoice/${input.invoiceNumber}/${input.purpose}`,
        subject: `Invoice ${input.invoiceNumber}: ${message.noteSubject}`,
        detail: `${message.noteSubject} to the client for ${formatCents(sent.amountDueCents)} due on invoice ${input.invoiceNumber}.`,
        date: today,
        moment: input.moment,
      });
      return 'sent';
    },

    /**
     * Day-30 escalation (docs/domain.md §4.5): review flag on the matter, a note, staff told, once. Re-checks the balance in
     * the store first: an invoice paid meanwhile is not escalated.
     */
    async escalateInvoice(input: {
      firmId: string;
      invoiceNumber: string;
      daysOverdue: number;
      elapsedMs?: number;
    }): Promise<'escalated' | 'nothing due'> {
      const firm = deps.firm(input.firmId);
      const invoice = await invoices.require(input.firmId, input.invoiceNumber);
      if (invoice.amountDueCents === 0 || invoice.status === 'void') return 'nothing due';
      const key = `invoice/${input.invoiceNumber}/escalated`;
      await queueWriteback(deps, input.firmId, `${key}/flag`, invoice.matterId, { kind: 'review_flag', flagged: true });
      const unpaidFor = describeElapsed(input.elapsedMs ?? input.daysOverdue * 86_400_000);
      const detail = `Invoice ${input.invoiceNumber} is unpaid ${unpaidFor} after issue with ${formatCents(invoice.amountDueCents)} due. The matter is flagged for attorney review.`;
      await writeNoteOnce(deps, {
        firmId: input.firmId,
        matterId: invoice.matterId,
        key: key,
        subject: `Invoice ${input.invoiceNumber}: escalated for attorney review`,
        detail,
        date: localDate(Date.now(), firm.timeZone),
      });
      if (firm.staffEmail) {
        try {
          await firm.mailer.send({
            to: firm.staffEmail,
            subject: `Escalated: invoice ${input.invoiceNumber} unpaid for ${unpaidFor}`,
            text: `${detail}\n`,
            idempotencyKey: `${input.firmId}/${key}/staff`,
          });
        } catch (err) {
          // The flag and the note stand; the firm learns of the escalation from the alert instead of the email. An
          // outage is retried, and held the same way on the step's last attempts rather than failing the invoice.
          const hours = outageHoursOnLastAttempts(err);
          if (!(err instanceof VendorRejectedError) && hours === null) throw err;
          const why = `${hours === null ? 'the mail server refused it' : `the mail server has not taken it for ${hours} hours`} (${(err as Error).message})`;
          await alerts.raise(
            input.firmId,
            'staff-notice-held',
            `${input.invoiceNumber}/escalated`,
            `The escalation of invoice ${input.invoiceNumber} was not emailed to ${firm.staffEmail}: ${why}. ${detail}`,
          );
        }
      }
      if (!invoice.escalatedAt) {
        await invoices.update(input.firmId, input.invoiceNumber, { escalatedAt: new Date() });
        deps.logger?.warn(
          { firmId: input.firmId, invoice: input.invoiceNumber, dueCents: invoice.amountDueCents },
          'invoice escalated for attorney review',
        );
      }
      return 'escalated';
    },

    /**
     * Cancel: void the invoice, release its time entries for a later invoice, close its link, undo an unposted trust
     * draw, and keep whatever the client paid as a credit on the matter (with an alert). One transaction under the
     * matter lock: after a crash either all of it happened or none, so a retry finishes the job (docs/domain.md §4.2).
     */
    async voidInvoice(input: {
      firmId: string;
      invoiceNumber: string;
      reason: string;
      /** The workflow expires the checkouts as a step of its own, which retries until the processor takes it. */
      checkoutsApart?: boolean;
      /** The draw's note was never written (cancelled right after the draw): nobody was asked to post it. */
      drawUnannounced?: boolean;
    }): Promise<InvoiceSnapshot> {
      const firm = deps.firm(input.firmId);
      const voided = await inTransaction(deps.db, async (client) => {
        const found = await invoices.require(input.firmId, input.invoiceNumber, client);
        await lockMatter(client, input.firmId, found.matterId);
        const invoice = await invoices.require(input.firmId, input.invoiceNumber, client);
        // Paid in full before the void got here: nothing to void; the workflow finishes it as paid.
        if (invoice.status === 'void' || invoice.status === 'paid') return false;
        await invoices.releaseLines(input.firmId, input.invoiceNumber, client);
        await invoices.update(input.firmId, input.invoiceNumber, { status: 'void', voidedAt: new Date() }, client);
        await links.close(input.firmId, input.invoiceNumber, 'cancelled', client);
        const draw = await draws.forInvoice(input.firmId, input.invoiceNumber, client);
        const announced = draw !== null && draw !== undefined && !input.drawUnannounced;
        if (draw?.state === 'recorded') {
          await draws.setState(client, draw.id, 'reversed');
        }
        if (draw?.state === 'recorded' && announced) {
          // Recorded means only that no ledger read has shown it yet: the bookkeeper may have posted it as its note
          // asked, and a reversed draw matches no ledger entry, so nothing else would ever say so.
          await alerts.raise(
            input.firmId,
            'trust-reversal',
            input.invoiceNumber,
            `Invoice ${input.invoiceNumber} was voided before its trust draw of ${formatCents(draw.amountCents)} showed in the practice system's trust ledger: do not post that transfer, and if it was already posted, return it to the client's trust.`,
            client,
          );
        }
        if (draw?.state === 'confirmed') {
          await alerts.raise(
            input.firmId,
            'trust-reversal',
            input.invoiceNumber,
            `Invoice ${input.invoiceNumber} was voided after its trust draw of ${formatCents(draw.amountCents)} was posted: reverse it in the practice system.`,
            client,
          );
        }
        const kept = invoice.paidCents + invoice.creditAppliedCents;
        if (kept > 0) {
          await alerts.raise(
            input.firmId,
            'void-with-payments',
            input.invoiceNumber,
            `Invoice ${input.invoiceNumber} was voided with ${formatCents(kept)} already paid on it: that money is held as a credit on matter ${invoice.matterDisplayNumber} and applied to its next invoice (refund it at the processor if the client wants it back).`,
            client,
          );
        }
        await writeNoteOnce(
          deps,
          {
            firmId: input.firmId,
            matterId: invoice.matterId,
            key: `invoice/${input.invoiceNumber}/void`,
            subject: `Invoice ${input.invoiceNumber}: void`,
            detail: `Invoice ${input.invoiceNumber} was voided: ${input.reason}.${kept > 0 ? ` ${formatCents(kept)} paid on it is held as a credit on the matter.` : ''}${announced && draw.state !== 'reversed' ? ` Its trust draw of ${formatCents(draw.amountCents)} is withdrawn: ${draw.state === 'recorded' ? 'do not post it; if it was posted, return it to trust' : 'return it to trust'}.` : ''}`,
            date: localDate(Date.now(), firm.timeZone),
            // Voided before it was issued, the void completes the issue's moment: "drafted; void" is one note.
            moment: { key: issueMoment(input.invoiceNumber), closes: true },
          },
          client,
        );
        return true;
      });
      if (voided) {
        await deps.wakeWritebacks?.(input.firmId);
        deps.logger?.info(
          { firmId: input.firmId, invoice: input.invoiceNumber, reason: input.reason },
          'invoice voided',
        );
      }
      // Every open checkout of a void invoice is closed (on a retry too: the void itself may have committed already).
      if (!input.checkoutsApart)
        await checkouts.expireStaleCheckouts({ firmId: input.firmId, invoiceNumber: input.invoiceNumber });
      return snapshot(await invoices.require(input.firmId, input.invoiceNumber));
    },

    /**
     * Paid in full: closes the pay link (a later open shows "paid") and records when. Under the matter lock, so a
     * refund committing at the same moment cannot leave the link closed while money is due.
     */
    async settleInvoice(input: { firmId: string; invoiceNumber: string }): Promise<InvoiceSnapshot> {
      return inTransaction(deps.db, async (client) => {
        const found = await invoices.require(input.firmId, input.invoiceNumber, client);
        await lockMatter(client, input.firmId, found.matterId);
        const invoice = await invoices.require(input.firmId, input.invoiceNumber, client);
        if (invoice.amountDueCents === 0 && invoice.status !== 'void') {
          if (invoice.status !== 'paid')
            await invoices.update(input.firmId, input.invoiceNumber, { status: 'paid', settledAt: new Date() }, client);
          await links.close(input.firmId, input.invoiceNumber, 'paid', client);
        }
        return snapshot(await invoices.require(input.firmId, input.invoiceNumber, client));
      });
    },

    async listOpenInvoices(input: { firmId: string; matterId: string }): Promise<string[]> {
      const open = await invoices.list(input.firmId, {
        matterId: input.matterId,
        status: ['draft', 'awaiting_approval', 'issued', 'partially_paid'],
      });
      return open.map((i) => i.invoiceNumber);
    },
  };
}

/** "30 days", or for a short test schedule "90 seconds": never "0 days". */
function describeElapsed(ms: number): string {
  const units: Array<[string, number]> = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1_000],
  ];
  for (const [unit, size] of units) {
    const n = Math.floor(ms / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'}`;
  }
  return 'under a second';
}
