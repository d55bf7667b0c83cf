import { VendorRejectedError } from '../connectors/errors';
import { MailLoginRefusedError } from './messages';
import { isDeliverableEmail } from '../domain/deliverableEmail';
import { localDate } from '../domain/dates';
import { formatCents } from '../domain/money';
import { monthBounds } from '../domain/trustReconciliation';
import { trustStatement } from '../domain/trustStatement';
import { AlertRepository } from '../store/alerts';
import { TrustDrawRepository } from '../store/trustDraws';
import type { ActivityDeps } from './deps';
import { writeNoteOnce } from './notes';

export type TrustStatementOutcome =
  | { matterId: string; outcome: 'sent'; to: string; closingCents: number }
  | { matterId: string; outcome: 'held'; reason: string }
  | { matterId: string; outcome: 'no activity' };

export function trustStatementActivities(deps: ActivityDeps) {
  const draws = new TrustDrawRepository(deps.db);
  const alerts = new AlertRepository(deps.db);
  return {
    /** The matters whose trust ledger moved in the month: one read of the firm's ledger. */
    async trustStatementMatters(input: { firmId: string; month: string }): Promise<string[]> {
      const { start, end } = monthBounds(input.month);
      const ledger = await deps.firm(input.firmId).practice.listTrustLedger();
      return [...new Set(ledger.filter((e) => e.matterId && e.date >= start && e.date <= end).map((e) => e.matterId!))];
    },

    /**
     * Emails one client the month's statement of their trust funds, once per (month, matter): the mail's idempotency
     * key and the note's key say so. Never payable: no link, nothing asked (domain/trustStatement.ts).
     */
    async sendTrustStatement(input: {
      firmId: string;
      month: string;
      matterId: string;
    }): Promise<TrustStatementOutcome> {
      const firm = deps.firm(input.firmId);
      const ledger = await firm.practice.listTrustLedger({ matterId: input.matterId });
      const matterDraws = await draws.forMatter(deps.db, input.firmId, input.matterId);
      const invoiceByEntry = new Map(
        matterDraws.filter((d) => d.ledgerEntryId).map((d) => [d.ledgerEntryId!, d.invoiceNumber]),
      );
      const matter = await firm.practice.getMatter(input.matterId);
      const statement = trustStatement({
        month: input.month,
        clientName: matter.client.name,
        matterDisplayNumber: matter.displayNumber,
        matterDescription: matter.description,
        ledger: ledger
          .filter((e) => e.matterId === input.matterId)
          .map((e) => ({
            id: e.id,
            date: e.date,
            depositCents: e.depositCents,
            withdrawalCents: e.withdrawalCents,
            description: e.description,
            invoiceNumber: invoiceByEntry.get(e.id) ?? null,
          })),
        pendingDraws: matterDraws
          .filter((d) => d.state === 'recorded')
          .map((d) => ({ invoiceNumber: d.invoiceNumber, amountCents: d.amountCents })),
      });
      if (!statement) return { matterId: input.matterId, outcome: 'no activity' };
      const key = `trust-statement/${input.month}/${input.matterId}`;
      const held = async (reason: string): Promise<TrustStatementOutcome> => {
        await alerts.raise(
          input.firmId,
          'trust-statement-held',
          key,
          `The ${input.month} trust statement for matter ${matter.displayNumber} was not emailed: ${reason}.`,
        );
        return { matterId: input.matterId, outcome: 'held', reason };
      };
      const email = matter.client.email;
      if (!email || !isDeliverableEmail(email))
        return held(
          `${email ? `the client's email address (${email}) is not deliverable` : 'the client has no email address'} in the practice system`,
        );
      try {
        await firm.mailer.send({
          to: email,
          subject: statement.subject,
          text: statement.text,
          idempotencyKey: `${input.firmId}/${key}`,
        });
      } catch (err) {
        // A refusal for good cannot pass on a retry, and failing here would stop the statements of every client after
        // this one in the month's run. A refused login is held too: an admin waits on the command, which sends the
        // held statements when run again once SMTP_URL is fixed.
        if (err instanceof MailLoginRefusedError)
          return held(`${err.message}; run \`matterpay trust-statements\` again once it is fixed`);
        if (!(err instanceof VendorRejectedError)) throw err;
        return held(`the client's mail server refused ${email} (${err.message})`);
      }
      // A statement held before (a refused login, a mailbox since reopened) and sent now is no longer the firm's to do.
      await alerts.resolve(input.firmId, 'trust-statement-held', key);
      await writeNoteOnce(deps, {
        firmId: input.firmId,
        matterId: input.matterId,
        key,
        subject: `Trust statement for ${input.month} emailed`,
        detail: `The trust statement for ${input.month} (closing balance ${formatCents(statement.closingCents)}) was emailed to the client.`,
        date: localDate(Date.now(), firm.timeZone),
      });
      return { matterId: input.matterId, outcome: 'sent', to: email, closingCents: statement.closingCents };
    },
  };
}
