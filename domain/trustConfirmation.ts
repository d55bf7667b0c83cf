/**
 * Which ledger entry confirms which trust draw (docs/domain.md §4.3). A draw is confirmed only by a withdrawal on its
 * matter's trust ledger of the same amount, dated on or after the draw's date on the firm's calendar (ledgers have
 * dates, not times) and, where the practice system says when the line was entered, entered after the draw was
 * recorded. An entry whose description names the draw's invoice number wins; otherwise an entry confirms the oldest
 * unconfirmed draw of its amount (and if an entry naming the invoice appears later, the draw moves to it and the other
 * entry is free again). Each entry confirms at most one draw, and a withdrawal that matches no draw (a filing fee paid
 * from trust) is reported, never used.
 */

export interface LedgerWithdrawal {
  id: string;
  date: string;
  withdrawalCents: number;
  description: string;
  enteredAt: string | null;
}

export interface DrawToConfirm {
  id: number;
  invoiceNumber: string;
  amountCents: number;
  state: 'recorded' | 'confirmed' | 'reversed';
  /** The firm-local date the draw was recorded (YYYY-MM-DD). */
  recordedDate: string;
  recordedAtMs: number;
  /** Set once a ledger entry confirmed it. */
  ledgerEntryId: string | null;
}

export interface LedgerMatch {
  confirmations: Array<{ drawId: number; entryId: string; entryDate: string }>;
  /** Withdrawals that confirm no draw, now or before. */
  unmatchedWithdrawals: LedgerWithdrawal[];
}

/** Does `text` name this invoice number as a whole token ("00001-Smith-1" is not inside "00001-Smith-10")? */
export function namesInvoice(text: string, invoiceNumber: string): boolean {
  const escaped = invoiceNumber.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w-])${escaped}($|[^\\w-])`, 'i').test(text);
}

function canConfirm(entry: LedgerWithdrawal, draw: DrawToConfirm): boolean {
  if (draw.state !== 'recorded' || entry.withdrawalCents !== draw.amountCents || entry.date < draw.recordedDate)
    return false;
  if (entry.enteredAt !== null) {
    const entered = Date.parse(entry.enteredAt);
    if (!Number.isNaN(entered) && entered < draw.recordedAtMs) return false;
  }
  return true;
}

export function matchLedgerToDraws(draws: readonly DrawToConfirm[], ledger: readonly LedgerWithdrawal[]): LedgerMatch {
  const withdrawals = ledger
    .filter((e) => e.withdrawalCents > 0)
    .sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id, undefined, { numeric: true }));
  const entryById = new Map(withdrawals.map((e) => [e.id, e]));
  /** Entry id → the draw it confirms now. */
  const holder = new Map<string, number>();
  const current = new Map<number, { draw: DrawToConfirm; entryId: string | null }>();
  for (const d of draws) {
    if (d.ledgerEntryId) holder.set(d.ledgerEntryId, d.id);
    // A reversed draw keeps the entry it was confirmed by (it is still that entry's draw) but takes no new one.
    if (d.state !== 'reversed') current.set(d.id, { draw: d, entryId: d.ledgerEntryId });
  }
  const oldestFirst = [...current.values()].sort(
    (a, b) => a.draw.recordedAtMs - b.draw.recordedAtMs || a.draw.id - b.draw.id,
  );
  const confirmations: LedgerMatch['confirmations'] = [];
  const confirm = (entry: LedgerWithdrawal, slot: { draw: DrawToConfirm; entryId: string | null }) => {
    if (slot.entryId) holder.delete(slot.entryId);
    slot.entryId = entry.id;
    holder.set(entry.id, slot.draw.id);
    confirmations.push({ drawId: slot.draw.id, entryId: entry.id, entryDate: entry.date });
  };
  /** Unconfirmed, or confirmed by an entry that does not name it: a later entry that names it wins. */
  const open = (slot: { draw: DrawToConfirm; entryId: string | null }) => {
    if (slot.draw.state === 'confirmed' && !slot.entryId) return false; // confirmed by an admin
    if (!slot.entryId) return true;
    const holding = entryById.get(slot.entryId);
    return holding !== undefined && !namesInvoice(holding.description, slot.draw.invoiceNumber);
  };
  const fits = (entry: LedgerWithdrawal, draw: DrawToConfirm) => canConfirm(entry, { ...draw, state: 'recorded' });

  // An entry naming one of this matter's invoices speaks for that draw only.
  for (const entry of withdrawals) {
    if (holder.has(entry.id)) continue;
    const named = oldestFirst.filter((slot) => namesInvoice(entry.description, slot.draw.invoiceNumber));
    if (named.length === 0) continue;
    const slot = named.find((s) => open(s) && s.entryId !== entry.id && fits(entry, s.draw));
    if (slot) confirm(entry, slot);
  }
  // Any other withdrawal confirms the oldest unconfirmed draw of its amount.
  for (const entry of withdrawals) {
    if (holder.has(entry.id) || oldestFirst.some((slot) => namesInvoice(entry.description, slot.draw.invoiceNumber)))
      continue;
    const slot = oldestFirst.find((s) => s.entryId === null && s.draw.state === 'recorded' && fits(entry, s.draw));
    if (slot) confirm(entry, slot);
  }
  // Only the last word for each draw is kept: a draw moved to the entry naming it is written once.
  const last = new Map(confirmations.map((c) => [c.drawId, c]));
  return {
    confirmations: [...last.values()].filter((c) => current.get(c.drawId)!.draw.ledgerEntryId !== c.entryId),
    unmatchedWithdrawals: withdrawals.filter((e) => !holder.has(e.id)),
  };
}
