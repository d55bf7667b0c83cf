import { ApplicationFailure } from '@temporalio/activity';
import { isDrawReflected, planTrustDraw } from '../domain/trust';
import { inTransaction } from '../store/db';
import { InvoiceRepository, lockMatter } from '../store/invoices';
import { TrustDrawRepository } from '../store/trustDraws';
import type { ActivityDeps } from './deps';

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
     * Trust first (DESIGN §4.3), idempotent by invoice: one draw row per invoice. The matter's draws are serialised
     * by a lock on the matter, and unconfirmed draws are subtracted from what the practice system shows, so two
     * invoices of one matter issued together never overdraw it. Only this matter's trust is read.
     */
    async drawTrust(input: { firmId: string; invoiceNumber: string }): Promise<TrustDrawResult> {
      const invoice = await invoices.require(input.firmId, input.invoiceNumber);
      const existing = await draws.forInvoice(input.firmId, input.invoiceNumber);
      if (existing) {
        return { drawCents: existing.amountCents, remainderCents: invoice.amountDueCents, practiceBalanceCents: existing.practiceBalanceSeenCents };
      }
      if (!['draft', 'awaiting_approval'].includes(invoice.status) || (invoice.status === 'awaiting_approval' && !invoice.approvedAt)) {
        // Never draw for an unapproved invoice, or for one already issued, paid or void.
        throw ApplicationFailure.nonRetryable(`invoice ${input.invoiceNumber} is ${invoice.status}${invoice.approvedAt ? '' : ' and not approved'}: no trust draw`, 'InvoiceRuleError');
      }
      const practiceBalanceCents = await deps.firm(input.firmId).practice.getTrustBalance(invoice.matterId);
      return inTransaction(deps.db, async (client) => {
        await lockMatter(client, input.firmId, invoice.matterId);
        const again = await draws.forInvoice(input.firmId, input.invoiceNumber, client);
        if (again) return { drawCents: again.amountCents, remainderCents: invoice.amountDueCents, practiceBalanceCents };
        let unconfirmedCents = 0;
        for (const draw of await draws.unconfirmed(client, input.firmId, invoice.matterId)) {
          if (isDrawReflected(draw, practiceBalanceCents)) await draws.setState(client, draw.id, 'confirmed');
          else unconfirmedCents += draw.amountCents;
        }
        const plan = planTrustDraw({ practiceBalanceCents, unconfirmedDrawsCents: unconfirmedCents, amountDueCents: invoice.amountDueCents });
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
        return { drawCents: plan.drawCents, remainderCents: plan.remainderCents, practiceBalanceCents };
      });
    },

    /** Marks draws the practice system now reflects as confirmed; returns what is still unconfirmed per matter. */
    async confirmTrustDraws(input: { firmId: string; matterId: string }): Promise<{ unconfirmedCents: number }> {
      const balance = await deps.firm(input.firmId).practice.getTrustBalance(input.matterId);
      return inTransaction(deps.db, async (client) => {
        await lockMatter(client, input.firmId, input.matterId);
        let unconfirmedCents = 0;
        for (const draw of await draws.unconfirmed(client, input.firmId, input.matterId)) {
          if (isDrawReflected(draw, balance)) await draws.setState(client, draw.id, 'confirmed');
          else unconfirmedCents += draw.amountCents;
        }
        return { unconfirmedCents };
      });
    },
  };
}
