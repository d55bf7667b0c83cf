import { localDate } from '../domain/dates';
import { parseInvoiceNumber } from '../domain/invoiceNumber';
import { formatCents } from '../domain/money';
import { paymentProblem } from '../domain/paymentApplicability';
import { isReversal, ledgerEffectCents } from '../domain/paymentEffect';
import { choosePaymentTarget, type CandidateInvoice } from '../domain/paymentTarget';
import type { Payment } from '../connectors/ports';
import { AlertRepository } from '../store/alerts';
import { inTransaction } from '../store/db';
import { InvoiceRepository, lockMatter, moneyOf, type InvoiceRecord } from '../store/invoices';
import { creditToApplyCents, matterCreditBalanceCents } from '../domain/invoiceMoney';
import { MatterLinkRepository } from '../store/matterLinks';
import { PaymentRepository, type LedgerRow, type PaymentState } from '../store/payments';
import type { ActivityDeps } from './deps';
import { snapshot, type InvoiceSnapshot } from './invoices';
import { writeNoteOnce } from './notes';
import { paymentNote } from './paymentNotes';

export type ApplyOutcome =
  | {
      state: 'applied';
      /** Whether this call changed the ledger (a new transaction, or a new state of a known one). */
      firstTime: boolean;
      invoiceNumber: string | null;
      matterId: string;
      paidCentsAfter: number;
      amountDueCentsAfter: number;
      /** Other invoices of the matter whose balance the matter's credit just lowered: they must be woken too. */
      creditedInvoices?: string[];
      /**
       * The payment's invoice as this transaction left it, with its revision: its wake-up carries it, so the invoice's
       * workflow need not read the row again. Absent in histories recorded before it.
       */
      invoiceAfter?: InvoiceSnapshot | null;
    }
  | { state: 'unmatched' | 'parked' | 'rejected' | 'ignored'; reason: string };

/** Where a payment belongs before the lock is taken: its matter, and the invoice it names or is bound to. */
interface Resolution {
  matterId: string;
  /** Set when the invoice is decided already: a transaction applied before, or a refund or dispute of a charge. */
  boundInvoice: string | null | undefined;
  namedInvoice: string | null;
}

const candidate = (inv: InvoiceRecord): CandidateInvoice => ({
  invoiceNumber: inv.invoiceNumber,
  status: inv.status,
  issuedAtMs: inv.issuedAt?.getTime() ?? null,
  amountDueCents: inv.amountDueCents,
});

export function reconciliationActivities(deps: ActivityDeps) {
  const payments = new PaymentRepository(deps.db);
  const invoices = new InvoiceRepository(deps.db);
  const links = new MatterLinkRepository(deps.db);
  const alerts = new AlertRepository(deps.db);

  async function resolve(firmId: string, payment: Payment): Promise<Resolution | null> {
    const existing = await payments.get(firmId, payment.processor, payment.transactionId, payment.kind);
    if (existing?.state === 'applied' && existing.matterId)
      return { matterId: existing.matterId, boundInvoice: existing.invoiceNumber, namedInvoice: null };
    if ((payment.kind === 'refund' || payment.kind === 'dispute') && payment.chargeTransactionId) {
      const charge = await payments.get(firmId, payment.processor, payment.chargeTransactionId, 'charge');
      if (charge?.state === 'applied' && charge.matterId)
        return { matterId: charge.matterId, boundInvoice: charge.invoiceNumber, namedInvoice: null };
    }
    const reference = payment.reference?.trim();
    if (!reference) return null;
    const invoice = await invoices.get(firmId, reference);
    if (invoice) return { matterId: invoice.matterId, boundInvoice: undefined, namedInvoice: invoice.invoiceNumber };
    const parsed = parseInvoiceNumber(reference);
    const link =
      (await links.resolve(firmId, payment.processor, reference)) ??
      (parsed ? await links.resolve(firmId, payment.processor, parsed.matterDisplayNumber) : null);
    return link ? { matterId: link.practiceMatterId, boundInvoice: undefined, namedInvoice: null } : null;
  }

  function ledgerRow(
    firmId: string,
    payment: Payment,
    fields: {
      state: PaymentState;
      effectCents: number;
      invoiceNumber: string | null;
      matterId: string | null;
      detail: string | null;
    },
  ): Omit<LedgerRow, 'recordedAt'> {
    return {
      firmId,
      processor: payment.processor,
      transactionId: payment.transactionId,
      kind: payment.kind,
      status: payment.status,
      amountCents: Math.max(0, Math.trunc(Number.isFinite(payment.amountCents) ? payment.amountCents : 0)),
      currency: payment.currency.toUpperCase(),
      reference: payment.reference,
      occurredAt: new Date(payment.occurredAt),
      ...fields,
    };
  }

  /** Records a transaction that cannot be counted (parked, rejected, unmatched, ignored), with its alert. */
  async function setAside(
    firmId: string,
    payment: Payment,
    state: Exclude<PaymentState, 'applied'>,
    reason: string,
    matterId: string | null,
    alert: { kind: string; message: string } | null,
  ) {
    await inTransaction(deps.db, async (client) => {
      // A transaction already counted keeps its row (checked by the upsert itself, so a concurrent apply cannot be
      // overwritten): setting it aside must never drop money from its invoice.
      await payments.put(
        client,
        ledgerRow(firmId, payment, { state, effectCents: 0, invoiceNumber: null, matterId, detail: reason }),
        { unlessApplied: true },
      );
      if (alert)
        await alerts.raise(firmId, alert.kind, `${payment.processor}/${payment.transactionId}`, alert.message, client);
    });
    if (alert) {
      deps.logger?.warn(
        {
          firmId,
          processor: payment.processor,
          transaction: payment.transactionId,
          amountCents: payment.amountCents,
          state,
        },
        `payment ${state}: ${reason} (see \`matterpay alerts\`)`,
      );
    }
  }

  /**
   * After a money change on a matter, under its lock: credit the matter holds (an overpayment, money held with no
   * invoice) goes to its invoices still owing, oldest first, so no client is reminded of an invoice their money
   * already covers; a credit that went negative (an overpayment refunded after it was used) raises an alert.
   * Returns the invoices whose balance changed.
   */
  async function settleMatterCredit(
    client: Parameters<typeof lockMatter>[0],
    firmId: string,
    matterId: string,
  ): Promise<string[]> {
    const matterInvoices = await invoices.list(firmId, { matterId }, client);
    let balance = matterCreditBalanceCents({
      invoices: matterInvoices.map(moneyOf),
      heldOnMatterCents: await payments.heldOnMatterCents(firmId, matterId, client),
    });
    if (balance < 0) {
      await alerts.raise(
        firmId,
        'credit-shortfall',
        `matter/${matterId}`,
        `Matter ${matterInvoices[0]?.matterDisplayNumber ?? matterId} has used ${formatCents(-balance)} more credit than it now holds (an overpayment was refunded after its credit paid another invoice). Collect it, or void and re-issue the invoice that used it.`,
        client,
      );
      return [];
    }
    const credited: string[] = [];
    const owing = matterInvoices
      .filter((inv) => (inv.status === 'issued' || inv.status === 'partially_paid') && inv.amountDueCents > 0)
      .sort(
        (a, b) =>
          (a.issuedAt?.getTime() ?? 0) - (b.issuedAt?.getTime() ?? 0) || a.invoiceNumber.localeCompare(b.invoiceNumber),
      );
    for (const inv of owing) {
      if (balance <= 0) break;
      const give = creditToApplyCents({
        matterCreditCents: balance,
        totalCents: inv.amountDueCents,
        trustAppliedCents: 0,
      });
      await invoices.update(firmId, inv.invoiceNumber, { creditAppliedCents: inv.creditAppliedCents + give }, client);
      await invoices.recomputeMoney(client, firmId, inv.invoiceNumber);
      await writeNoteOnce(
        deps,
        {
          firmId,
          matterId,
          key: `invoice/${inv.invoiceNumber}/credit/${inv.creditAppliedCents + give}`,
          subject: `Invoice ${inv.invoiceNumber}: matter credit applied`,
          detail: `${formatCents(give)} of credit held on the matter (money received beyond another invoice's total) applied to invoice ${inv.invoiceNumber}.`,
          date: localDate(Date.now(), deps.firm(firmId).timeZone),
        },
        client,
      );
      balance -= give;
      credited.push(inv.invoiceNumber);
    }
    return credited;
  }

  const describe = (p: Payment) =>
    `${formatCents(Math.trunc(Math.abs(p.amountCents)) || 0)} ${p.kind} ${p.transactionId} via ${p.processor}`;

  return {
    /**
     * Applies one processor transaction as it is now (docs/domain.md §4.6). The ledger row keeps the transaction's current
     * status and what it counts towards its invoice (domain/paymentEffect.ts); the invoice's paid amount is then
     * recomputed from its rows, all in one transaction under the matter's lock, where the target invoice is chosen
     * too (domain/paymentTarget.ts). A second call with the same state changes nothing; a later state (voided,
     * refunded, disputed) replaces the earlier one. What cannot be applied is set aside with an alert, never retried.
     */
    async applyPayment(input: { firmId: string; payment: Payment }): Promise<ApplyOutcome> {
      const { firmId, payment } = input;
      const firm = deps.firm(firmId);
      const problem = paymentProblem(payment, firm.currency ?? 'USD');
      if (problem) {
        await setAside(firmId, payment, 'rejected', problem, null, {
          kind: 'payment-rejected',
          message: `${describe(payment)} was not applied: ${problem}. Resolve it at the processor or by hand.`,
        });
        return { state: 'rejected', reason: problem };
      }
      if (payment.accountKind === 'trust') {
        // Money into trust is the client's, held for later invoices: it never pays an invoice directly.
        return { state: 'ignored', reason: 'a deposit to the trust account, not an invoice payment' };
      }
      if (payment.accountKind === 'unknown') {
        const reason = `it went to account ${payment.account ?? '(none)'}, which the processor does not list as this firm's operating account`;
        await setAside(firmId, payment, 'rejected', reason, null, {
          kind: 'payment-rejected',
          message: `${describe(payment)} was not applied: ${reason}. Money in an account matterpay cannot tell from trust is never taken as income.`,
        });
        return { state: 'rejected', reason };
      }
      if (payment.status === 'pending') return { state: 'ignored', reason: `the ${payment.kind} is pending` };

      const resolution = await resolve(firmId, payment);
      if (payment.kind === 'payout') {
        const reason = 'money paid out by the firm (a credit), not a client payment';
        await setAside(firmId, payment, 'ignored', reason, resolution?.matterId ?? null, {
          kind: 'payout',
          message: `${describe(payment)}: money was paid out from the firm's account. It was not applied to any invoice; check it was meant.`,
        });
        if (resolution)
          await notify(firmId, payment, resolution.matterId, { invoiceNumber: null, amountDueCentsAfter: 0 });
        return { state: 'ignored', reason };
      }
      if (!resolution) {
        const reference = payment.reference ?? '';
        await setAside(firmId, payment, 'unmatched', 'no invoice or matter matches the reference', null, {
          kind: 'unmatched-payment',
          // The reference is the payer's own text: it is shown quoted, apart from the command, never inside it.
          message: `${describe(payment)} has a reference that matches no matter: ${JSON.stringify(reference)}. Map it with \`matterpay link <reference> <matter>\`, giving that reference as one quoted argument.`,
        });
        return { state: 'unmatched', reason: `reference ${JSON.stringify(reference)} matches no matter` };
      }

      const outcome = await inTransaction(deps.db, async (client) => {
        await lockMatter(client, firmId, resolution.matterId);
        const existing = await payments.get(firmId, payment.processor, payment.transactionId, payment.kind, client);
        let invoiceNumber: string | null;
        /** The invoice named by the payment, read under the matter's lock: its money is current until this commits. */
        let namedUnderLock: InvoiceRecord | null = null;
        const charge =
          (payment.kind === 'refund' || payment.kind === 'dispute') && payment.chargeTransactionId
            ? await payments.get(firmId, payment.processor, payment.chargeTransactionId, 'charge', client)
            : null;
        if (existing?.state === 'applied') {
          invoiceNumber = existing.invoiceNumber; // a transaction's invoice never moves once it has one
        } else if (charge?.state === 'applied') {
          invoiceNumber = charge.invoiceNumber; // a refund or dispute takes money back where its charge put it
        } else if (resolution.boundInvoice !== undefined) {
          invoiceNumber = resolution.boundInvoice;
        } else if ((payment.kind === 'refund' || payment.kind === 'dispute') && !resolution.namedInvoice) {
          // Its charge is not applied yet (events out of order): wait for it rather than guess an invoice.
          return { waitForCharge: true } as const;
        } else {
          const named = resolution.namedInvoice ? await invoices.get(firmId, resolution.namedInvoice, client) : null;
          namedUnderLock = named;
          const choice = choosePaymentTarget({
            namedInvoice: named ? candidate(named) : null,
            matterInvoices: named
              ? []
              : (await invoices.list(firmId, { matterId: resolution.matterId }, client)).map(candidate),
          });
          if (choice.kind === 'park') return { parked: choice.reason } as const;
          invoiceNumber = choice.kind === 'invoice' ? choice.invoiceNumber : null;
        }
        const effectCents = ledgerEffectCents(payment.kind, payment.status, payment.amountCents);
        const previousEffect = existing?.effectCents ?? 0;
        const state: PaymentState =
          effectCents === 0 && previousEffect === 0 && existing?.state !== 'applied' && payment.status === 'failed'
            ? 'ignored'
            : 'applied';
        const changed =
          !existing ||
          existing.status !== payment.status ||
          existing.state !== state ||
          existing.effectCents !== effectCents ||
          existing.invoiceNumber !== invoiceNumber;
        if (!changed) {
          const current = invoiceNumber ? await invoices.require(firmId, invoiceNumber, client) : null;
          return { changed: false, invoiceNumber, current } as const;
        }
        await payments.put(
          client,
          ledgerRow(firmId, payment, {
            state,
            effectCents,
            invoiceNumber,
            matterId: resolution.matterId,
            detail: invoiceNumber ? null : 'no open invoice on the matter: held as a credit',
          }),
        );
        const current = invoiceNumber
          ? await invoices.recomputeMoney(
              client,
              firmId,
              invoiceNumber,
              namedUnderLock?.invoiceNumber === invoiceNumber ? namedUnderLock : undefined,
            )
          : null;
        const subject = invoiceNumber ?? resolution.matterId;
        const credited = await settleMatterCredit(client, firmId, resolution.matterId);
        if (current && current.overpaymentCents > 0 && current.status !== 'void') {
          await alerts.raise(
            firmId,
            'overpayment',
            current.invoiceNumber,
            `Invoice ${current.invoiceNumber} has received ${formatCents(current.overpaymentCents)} more than it owed. It is held as a credit on matter ${current.matterDisplayNumber}: it pays down the matter's other invoices still owing, then its next invoice; refund it at the processor if the client wants it back.`,
            client,
          );
        }
        if (isReversal(previousEffect, effectCents) && existing?.state === 'applied') {
          await alerts.raise(
            firmId,
            'payment-reversal',
            `${payment.processor}/${payment.transactionId}/${payment.kind}`,
            `${describe(payment)} is now ${payment.status}: ${formatCents(previousEffect - effectCents)} no longer counts on ${invoiceNumber ? `invoice ${invoiceNumber}` : `matter ${resolution.matterId}`}.`,
            client,
          );
        }
        if (payment.kind === 'dispute') {
          await alerts.raise(
            firmId,
            'dispute',
            `${payment.processor}/${payment.transactionId}`,
            `${describe(payment)} on ${subject}: the dispute is ${payment.status}.`,
            client,
          );
        }
        await notify(
          firmId,
          payment,
          resolution.matterId,
          { invoiceNumber, amountDueCentsAfter: current?.amountDueCents ?? 0 },
          client,
        );
        return {
          changed: true,
          invoiceNumber,
          // Read again only if the matter's credit just moved it too; otherwise the recompute's row is current.
          current:
            current && credited.includes(current.invoiceNumber)
              ? await invoices.require(firmId, current.invoiceNumber, client)
              : current,
          credited,
        } as const;
      });

      if ('waitForCharge' in outcome && outcome.waitForCharge) {
        await setAside(
          firmId,
          payment,
          'unmatched',
          `its charge ${payment.chargeTransactionId} is not applied yet`,
          resolution.matterId,
          null,
        );
        return { state: 'unmatched', reason: `its charge ${payment.chargeTransactionId} is not applied yet` };
      }

      if ('parked' in outcome && outcome.parked !== undefined) {
        await setAside(firmId, payment, 'parked', outcome.parked, resolution.matterId, {
          kind: 'payment-parked',
          message: `${describe(payment)} was not applied: ${outcome.parked}. Void or issue the invoice, or refund the payment.`,
        });
        return { state: 'parked', reason: outcome.parked };
      }
      await deps.wakeWritebacks?.(firmId);
      if (outcome.changed) {
        await alerts.resolve(
          firmId,
          ['unmatched-payment', 'payment-parked'],
          `${payment.processor}/${payment.transactionId}`,
        );
        deps.logger?.info(
          {
            firmId,
            processor: payment.processor,
            transaction: payment.transactionId,
            kind: payment.kind,
            status: payment.status,
            amountCents: payment.amountCents,
            invoice: outcome.invoiceNumber,
          },
          `${payment.kind} ${payment.status} applied`,
        );
      }
      return {
        state: 'applied',
        firstTime: outcome.changed,
        invoiceNumber: outcome.invoiceNumber,
        matterId: resolution.matterId,
        paidCentsAfter: outcome.current?.paidCents ?? 0,
        amountDueCentsAfter: outcome.current?.amountDueCents ?? 0,
        creditedInvoices: 'credited' in outcome ? (outcome.credited ?? []) : [],
        invoiceAfter: outcome.current ? snapshot(outcome.current) : null,
      };
    },

    /**
     * The transaction as the processor has it now: what the reconciliation decides on, never the event's copy. The
     * transaction came from the processor (a signed event, the ingress's read, the sweep's listing), so an answer
     * that it does not exist is never routine: most often matterpay's key is for the other mode (test or live) or
     * another account than its webhooks. Nothing is applied, and the firm is told, since a client may have paid.
     */
    async fetchTransaction(input: { firmId: string; transactionId: string }): Promise<Payment | null> {
      const { processor } = deps.firm(input.firmId);
      const current = await processor.getTransaction(input.transactionId);
      if (!current)
        await alerts.raise(
          input.firmId,
          'payment-unverified',
          `${processor.name}/${input.transactionId}`,
          `${processor.name} has no transaction ${input.transactionId}, which its event named: nothing was applied. If a client paid, check that matterpay's ${processor.name} key is for the same account and mode (live or test) as the webhooks it receives.`,
        );
      return current;
    },

    /**
     * One page of the processor's transactions since `sinceIso`, reduced to those the store has not seen in their
     * current state: what the sweep must reconcile (a missed webhook, or a charge voided since it was applied).
     */
    async sweepPage(input: {
      firmId: string;
      sinceIso: string;
      cursor: string | null;
    }): Promise<{ scanned: number; unrecorded: Payment[]; nextCursor: string | null }> {
      const page = await deps.firm(input.firmId).processor.listTransactionsSince(input.sinceIso, input.cursor);
      const unrecorded: Payment[] = [];
      for (const payment of page.items) {
        if (payment.status === 'pending' || payment.accountKind === 'trust') continue;
        const row = await payments.get(input.firmId, payment.processor, payment.transactionId, payment.kind);
        if (!row ? payment.status !== 'failed' : row.status !== payment.status) unrecorded.push(payment);
      }
      return { scanned: page.items.length, unrecorded, nextCursor: page.nextCursor };
    },

    /** Workflows started before the ledger kept states call this for a failed payment; applyPayment notes it now. */
    async noteUnappliedPayment(input: {
      firmId: string;
      payment: Payment;
      reason: string;
    }): Promise<'noted' | 'no matter'> {
      const resolution = await resolve(input.firmId, input.payment);
      if (!resolution) return 'no matter';
      await notify(input.firmId, input.payment, resolution.matterId, {
        invoiceNumber: resolution.namedInvoice,
        amountDueCentsAfter: 0,
      });
      return 'noted';
    },

    /** Workflows started before applyPayment queued its own note call this; the note is queued once by its key. */
    async notePayment(input: {
      firmId: string;
      payment: Payment;
      matterId: string;
      invoiceNumber: string | null;
      amountDueCentsAfter: number;
    }): Promise<void> {
      await notify(input.firmId, input.payment, input.matterId, input);
    },
  };

  /** Queues the transaction's note; inside a transaction (`client`) the caller wakes the drain after commit. */
  async function notify(
    firmId: string,
    payment: Payment,
    matterId: string,
    target: { invoiceNumber: string | null; amountDueCentsAfter: number },
    client?: Parameters<typeof writeNoteOnce>[2],
  ) {
    const note = paymentNote(payment, target);
    if (!note) return;
    await writeNoteOnce(
      deps,
      {
        firmId,
        matterId,
        ...note,
        date: localDate(new Date(payment.occurredAt).getTime(), deps.firm(firmId).timeZone),
      },
      client,
    );
  }
}
