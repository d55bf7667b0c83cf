import type pg from 'pg';
import type { TrustLedgerEntry } from '../connectors/ports';
import { localDate } from '../domain/dates';
import { matchLedgerToDraws, type LedgerMatch } from '../domain/trustConfirmation';
import { lockMatter } from '../store/invoices';
import { TrustDrawRepository, type TrustDraw } from '../store/trustDraws';

/** A matter's trust balance is the sum of its ledger: the ledger is the record, a balance is only its total. */
export function ledgerBalanceCents(entries: readonly TrustLedgerEntry[]): number {
  return entries.reduce((sum, e) => sum + e.depositCents - e.withdrawalCents, 0);
}

/**
 * Under the matter's lock: confirms the matter's recorded draws that its ledger (read once, by the caller) now shows,
 * each ledger entry at most once (the store's unique index says so too). Returns the matter's draws as they stand
 * after and what the match found.
 */
export async function confirmDrawsFromLedger(
  client: pg.PoolClient,
  draws: TrustDrawRepository,
  firmId: string,
  matterId: string,
  ledger: readonly TrustLedgerEntry[],
  timeZone: string,
): Promise<{ draws: TrustDraw[]; match: LedgerMatch }> {
  await lockMatter(client, firmId, matterId);
  const before = await draws.forMatter(client, firmId, matterId);
  const match = matchLedgerToDraws(
    before.map((d) => ({
      id: d.id,
      invoiceNumber: d.invoiceNumber,
      amountCents: d.amountCents,
      state: d.state,
      ledgerEntryId: d.ledgerEntryId,
      recordedAtMs: d.recordedAt.getTime(),
      recordedDate: localDate(d.recordedAt.getTime(), timeZone),
    })),
    ledger.filter((e) => e.matterId === matterId),
  );
  for (const c of match.confirmations)
    await draws.confirmByLedger(client, firmId, c.drawId, { id: c.entryId, date: c.entryDate });
  return { draws: match.confirmations.length ? await draws.forMatter(client, firmId, matterId) : before, match };
}
