import { ApplicationFailure } from '@temporalio/activity';
import { decideBilling, type BillingDecision } from '../domain/billing';
import { billingPeriod } from '../domain/dates';
import type { Matter } from '../connectors/ports';
import { knownMatter, type KnownMatter } from '../shared/knownMatter';
import { inTransaction } from '../store/db';
import { InvoiceRepository, lockMatter, type InvoiceKind, type InvoiceLine } from '../store/invoices';
import type { ActivityDeps } from './deps';
import { writeDraftInvoice } from './drafting';

export interface MatterEvaluation {
  decision: BillingDecision;
  matter: Pick<Matter, 'id' | 'displayNumber' | 'status' | 'billingMethod' | 'billingDay'>;
  period: string;
  /** Lines to bill when the decision is to invoice. */
  lines: InvoiceLine[];
  /** The matter as read for this evaluation: the invoice it starts carries it, instead of reading it again. */
  known: KnownMatter;
}

export interface DraftRequest {
  firmId: string;
  matterId: string;
  matterDisplayNumber: string;
  kind: InvoiceKind;
  period: string;
  lines: InvoiceLine[];
}

export type DraftResult =
  { invoiceNumber: string; totalCents: number; reused: boolean } | { invoiceNumber: null; reason: string };

export function billingActivities(deps: ActivityDeps) {
  const invoices = new InvoiceRepository(deps.db);
  return {
    /**
     * Reads the matter and its approved time (two practice-system calls; one when the billing run's page already read
     * the matter) and applies the billing rules.
     */
    async evaluateMatter(input: {
      firmId: string;
      matterId: string;
      thresholdCents: number;
      billingDateReached: boolean;
      nowMs: number;
      listed?: KnownMatter;
    }): Promise<MatterEvaluation> {
      const firm = deps.firm(input.firmId);
      const known: KnownMatter =
        input.listed && knownMatter(input.listed, input.matterId, Date.now())
          ? input.listed
          : { matter: await firm.practice.getMatter(input.matterId), readAtMs: Date.now() };
      const { matter } = known;
      const period = billingPeriod(input.nowMs, firm.timeZone);
      const summary = {
        id: matter.id,
        displayNumber: matter.displayNumber,
        status: matter.status,
        billingMethod: matter.billingMethod,
        billingDay: matter.billingDay,
      };
      let lines: MatterEvaluation['lines'] = [];
      let flatAlreadyInvoiced = false;
      if (matter.status === 'open' && matter.billingMethod === 'hourly') {
        const entries = await firm.practice.listApprovedEntries(matter.id);
        const candidates = entries.map((e) => ({
          lineKey: `entry:${e.id}`,
          // Date, hours and rate are columns of their own on the client's invoice; the description is the work done.
          description: e.note.trim() || 'Time entry',
          amountCents: e.totalCents,
          date: e.date.slice(0, 10),
          seconds: e.seconds,
          rateCents: e.rateCents,
        }));
        const billed = await invoices.billedLineKeys(
          input.firmId,
          candidates.map((c) => c.lineKey),
        );
        lines = candidates.filter((c) => !billed.has(c.lineKey));
      } else if (matter.status === 'open' && matter.billingMethod === 'flat' && matter.flatFeeCents) {
        const lineKey = `flat:${matter.id}:${period}`;
        flatAlreadyInvoiced = (await invoices.billedLineKeys(input.firmId, [lineKey])).size > 0;
        lines = [{ lineKey, description: `Flat fee for ${period}`, amountCents: matter.flatFeeCents }];
      }
      const decision = decideBilling({
        matter,
        unbilledEntries: lines
          .filter((l) => l.lineKey.startsWith('entry:'))
          .map((l) => ({ id: l.lineKey.slice(6), totalCents: l.amountCents })),
        thresholdCents: input.thresholdCents,
        billingDateReached: input.billingDateReached,
        flatFeeAlreadyInvoicedThisPeriod: flatAlreadyInvoiced,
      });
      return { decision, matter: summary, period, lines: decision.action === 'invoice' ? lines : [], known };
    },

    /**
     * Idempotent by (matter, kind, period): an open draft of the same matter and period is reused and gets the new
     * lines; otherwise the next sequence number is taken. Lines already on another invoice are skipped by the
     * store's primary key, so a time entry is billed once even when two evaluations race.
     */
    async draftInvoice(request: DraftRequest): Promise<DraftResult> {
      if (request.lines.length === 0) return { invoiceNumber: null, reason: 'nothing to bill' };
      return inTransaction(deps.db, async (client) => {
        await lockMatter(client, request.firmId, request.matterId);
        const open = await invoices.openDraft(client, request.firmId, request.matterId, request.kind, request.period);
        if (open) {
          await invoices.addLines(client, request.firmId, open.invoiceNumber, request.lines);
          const totalCents = await invoices.recomputeTotal(client, request.firmId, open.invoiceNumber);
          return { invoiceNumber: open.invoiceNumber, totalCents, reused: true };
        }
        const billed = await invoices.billedLineKeys(
          request.firmId,
          request.lines.map((l) => l.lineKey),
          client,
        );
        const fresh = request.lines.filter((l) => !billed.has(l.lineKey));
        const totalCents = fresh.reduce((sum, l) => sum + l.amountCents, 0);
        // $0 invoices are never created (docs/domain.md §4.1).
        if (totalCents <= 0) return { invoiceNumber: null, reason: 'every line is already on another invoice' };
        const drafted = await writeDraftInvoice(client, invoices, { ...request, lines: fresh });
        if (drafted.linesAdded !== fresh.length)
          throw ApplicationFailure.retryable('a line was claimed concurrently; retrying the draft', 'DraftConflict');
        return { invoiceNumber: drafted.invoiceNumber, totalCents, reused: false };
      });
    },
  };
}
