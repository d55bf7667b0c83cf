import { ApplicationFailure } from '@temporalio/activity';
import { drawsTheLedgerDoesNotShowCents, planTrustDraw } from '../domain/trust';
import { knownMatter, type KnownMatter } from '../shared/knownMatter';
import { databaseNowMs, inTransaction } from '../store/db';
import { InvoiceRepository } from '../store/invoices';
import { TrustDrawRepository } from '../store/trustDraws';
import type { ActivityDeps } from './deps';
import { confirmDrawsFromLedger, ledgerBalanceCents } from './trustLedger';

export interface TrustDrawResult {
  drawCents: number;
  remainderCents: number;
  practiceBalanceCents: number;
}

export function trustActivities(deps: ActivityDeps) {
  const invoices = new InvoiceRepository(deps.db);
  const draws = new TrustDrawRepository(deps.db);
  return {
    /**
     * Trust first (docs/domain.md §4.3), idempotent by invoice: one draw row per invoice. One read of the matter's trust
     * ledger per decision; under the matter's lock the ledger's withdrawals confirm the draws they match, and every
     * draw that read does not show (recorded, or confirmed since it began by a fresher read) is subtracted from the
     * ledger's balance, so no interleaving of invoices, postings and other withdrawals draws more than is there. Only this matter's trust is read.
     */
    async drawTrust(input: { firmId: string; invoiceNumber: string; known?: KnownMatter }): Promise<TrustDrawResult> {
      const invoice = await invoices.require(input.firmId, input.invoiceNumber);
      const existing = await draws.forInvoice(input.firmId, input.invoiceNumber);
      if (existing) {
        return {
          drawCents: existing.amountCents,
          remainderCents: invoice.amountDueCents,
          practiceBalanceCents: existing.practiceBalanceSeenCents,
        };
      }
      if (
        !['draft', 'awaiting_approval'].includes(invoice.status) ||
        (invoice.status === 'awaiting_approval' && !invoice.approvedAt)
      ) {
        // Never draw for an unapproved invoice, or for one already issued, paid or void.
        throw ApplicationFailure.nonRetryable(
          `invoice ${input.invoiceNumber} is ${invoice.status}${invoice.approvedAt ? '' : ' and not approved'}: no trust draw`,
          'InvoiceRuleError',
        );
      }
      const firm = deps.firm(input.firmId);
      // A matter this cycle has just read with no trust money has nothing to draw: drawing nothing never overdraws,
      // so its ledger is not read (issue 14). Any other matter's draw is decided on its ledger, read now.
      const known = knownMatter(input.known, invoice.matterId, Date.now());
      if (known && known.trustBalanceCents <= 0) {
        deps.logger?.info(
          {
            firmId: input.firmId,
            invoice: input.invoiceNumber,
            trustBalanceCents: known.trustBalanceCents,
            drawCents: 0,
          },
          'trust draw decided: the matter holds no trust money',
        );
        return { drawCents: 0, remainderCents: invoice.amountDueCents, practiceBalanceCents: known.trustBalanceCents };
      }
      // On the database's clock, which also dates the draws' confirmations (domain/trust.ts says why it matters).
      const readStartedAtMs = await databaseNowMs(deps.db);
      const ledger = await firm.practice.listTrustLedger({ matterId: invoice.matterId });
      const practiceBalanceCents = ledgerBalanceCents(ledger.filter((e) => e.matterId === invoice.matterId));
      return inTransaction(deps.db, async (client) => {
        const { draws: current } = await confirmDrawsFromLedger(
          client,
          draws,
          input.firmId,
          invoice.matterId,
          ledger,
          firm.timeZone,
        );
        const again = current.find((d) => d.invoiceNumber === input.invoiceNumber);
        if (again)
          return { drawCents: again.amountCents, remainderCents: invoice.amountDueCents, practiceBalanceCents };
        const unconfirmedDrawsCents = drawsTheLedgerDoesNotShowCents(
          current.map((d) => ({
            amountCents: d.amountCents,
            state: d.state,
            ledgerEntryId: d.ledgerEntryId,
            confirmedAtMs: d.confirmedAt?.getTime() ?? null,
          })),
          { entryIds: new Set(ledger.map((e) => e.id)), startedAtMs: readStartedAtMs },
        );
        const plan = planTrustDraw({
          practiceBalanceCents,
          unconfirmedDrawsCents,
          amountDueCents: invoice.amountDueCents,
        });
        if (plan.drawCents > 0) {
          await draws.insert(client, input.firmId, {
            matterId: invoice.matterId,
            invoiceNumber: input.invoiceNumber,
            amountCents: plan.drawCents,
            practiceBalanceSeenCents: practiceBalanceCents,
            expectedBalanceAfterCents: plan.availableCents - plan.drawCents,
          });
          await invoices.update(input.firmId, input.invoiceNumber, { trustAppliedCents: plan.drawCents }, client);
        }
        deps.logger?.info(
          {
            firmId: input.firmId,
            invoice: input.invoiceNumber,
            ledgerBalanceCents: practiceBalanceCents,
            unconfirmedDrawsCents,
            drawCents: plan.drawCents,
          },
          'trust draw decided',
        );
        return { drawCents: plan.drawCents, remainderCents: plan.remainderCents, practiceBalanceCents };
      });
    },
  };
}
