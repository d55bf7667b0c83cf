import type { TrustLedgerEntry } from '../connectors/ports';
import { startOfLocalDay } from '../domain/dates';
import { parseInvoiceNumber } from '../domain/invoiceNumber';
import {
  monthBounds,
  type ProcessorTrustDeposit,
  type ReportDraw,
  type TrustReportData,
} from '../domain/trustReconciliation';
import { inTransaction } from '../store/db';
import { MatterLinkRepository } from '../store/matterLinks';
import { TrustDrawRepository } from '../store/trustDraws';
import type { ActivityDeps, FirmServices } from './deps';
import { confirmDrawsFromLedger } from './trustLedger';

/** The month as UTC instants of the firm's calendar: [first local midnight, next month's first local midnight). */
export function monthInstants(month: string, timeZone: string): { fromMs: number; untilMs: number } {
  const { start, end } = monthBounds(month);
  const [y, m, d] = end.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return { fromMs: startOfLocalDay(start, timeZone), untilMs: startOfLocalDay(next, timeZone) };
}

export function trustReportActivities(deps: ActivityDeps) {
  const draws = new TrustDrawRepository(deps.db);
  const links = new MatterLinkRepository(deps.db);

  /** Confirms, under each matter's lock, the draws the ledger (read once for the whole firm) now shows. */
  async function confirmAll(firmId: string, ledger: TrustLedgerEntry[], timeZone: string): Promise<void> {
    const pendingMatters = new Set(
      (await draws.all(firmId)).filter((d) => d.state !== 'reversed').map((d) => d.matterId),
    );
    for (const matterId of pendingMatters) {
      await inTransaction(deps.db, (client) =>
        confirmDrawsFromLedger(client, draws, firmId, matterId, ledger, timeZone),
      );
    }
  }

  /** The processor's completed trust-account deposits in the month, each with the matter its reference names. */
  async function processorDeposits(
    firmId: string,
    firm: FirmServices,
    month: string,
    matterByDisplayNumber: Map<string, string>,
  ): Promise<ProcessorTrustDeposit[]> {
    const { fromMs, untilMs } = monthInstants(month, firm.timeZone);
    const found: ProcessorTrustDeposit[] = [];
    let cursor: string | null = null;
    do {
      const page = await firm.processor.listTransactionsSince(new Date(fromMs).toISOString(), cursor, {
        createdOnly: true,
      });
      for (const p of page.items) {
        const at = Date.parse(p.occurredAt);
        if (
          p.accountKind !== 'trust' ||
          p.kind !== 'charge' ||
          p.status !== 'completed' ||
          at < fromMs ||
          at >= untilMs
        )
          continue;
        const reference = p.reference?.trim() ?? '';
        const displayNumber = matterByDisplayNumber.has(reference)
          ? reference
          : (parseInvoiceNumber(reference)?.matterDisplayNumber ?? null);
        const known = displayNumber ? matterByDisplayNumber.get(displayNumber) : undefined;
        const link = known || !reference ? null : await links.resolve(firmId, p.processor, reference);
        found.push({
          processor: p.processor,
          transactionId: p.transactionId,
          amountCents: p.amountCents,
          reference: p.reference,
          occurredAt: p.occurredAt,
          matterId: known ?? link?.practiceMatterId ?? null,
          matterDisplayNumber: known ? displayNumber : (link?.matterDisplayNumber ?? null),
        });
      }
      cursor = page.nextCursor;
    } while (cursor);
    return found;
  }

  return {
    /**
     * Everything the month's three-way trust report needs, read once: the firm's whole trust ledger (one call per
     * 200 lines), matterpay's draws (confirmed first against that same ledger), and the processor's trust deposits.
     * The report itself is computed by the caller (domain/trustReconciliation.ts).
     */
    async gatherTrustReport(input: { firmId: string; month: string }): Promise<TrustReportData> {
      monthBounds(input.month);
      const firm = deps.firm(input.firmId);
      const ledger = await firm.practice.listTrustLedger();
      await confirmAll(input.firmId, ledger, firm.timeZone);
      const { rows: invoiceMatters } = await deps.db.query(
        'SELECT DISTINCT matter_id, matter_display_number FROM invoices WHERE firm_id = $1',
        [input.firmId],
      );
      const displayByMatter = new Map<string, string>(
        invoiceMatters.map((r) => [r.matter_id as string, r.matter_display_number as string]),
      );
      for (const e of ledger)
        if (e.matterId && e.matterDisplayNumber) displayByMatter.set(e.matterId, e.matterDisplayNumber);
      const matterByDisplayNumber = new Map([...displayByMatter].map(([id, display]) => [display, id]));
      const reportDraws: ReportDraw[] = (await draws.all(input.firmId)).map((d) => ({
        id: d.id,
        matterId: d.matterId,
        matterDisplayNumber: displayByMatter.get(d.matterId) ?? null,
        invoiceNumber: d.invoiceNumber,
        amountCents: d.amountCents,
        state: d.state,
        recordedAt: d.recordedAt.toISOString(),
        confirmedAt: d.confirmedAt?.toISOString() ?? null,
        confirmedBy: d.confirmedBy,
        ledgerEntryId: d.ledgerEntryId,
        reversedAt: d.reversedAt?.toISOString() ?? null,
        reversedBy: d.reversedBy,
      }));
      return {
        firmId: input.firmId,
        month: input.month,
        timeZone: firm.timeZone,
        generatedAt: new Date().toISOString(),
        ledger: ledger.map((e) => ({
          id: e.id,
          matterId: e.matterId,
          matterDisplayNumber: e.matterDisplayNumber ?? (e.matterId ? (displayByMatter.get(e.matterId) ?? null) : null),
          date: e.date,
          depositCents: e.depositCents,
          withdrawalCents: e.withdrawalCents,
          description: e.description,
        })),
        draws: reportDraws,
        processorDeposits: await processorDeposits(input.firmId, firm, input.month, matterByDisplayNumber),
      };
    },
  };
}
