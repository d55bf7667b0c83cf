/**
 * Which ledger entry confirms which trust draw (DESIGN §4.3). A draw is confirmed only by a withdrawal on its
 * matter's trust ledger of the same amount, dated on or after the draw's date on the firm's calendar (ledgers have
 * dates, not times) and, where the practice system says when the line was entered, entered after the draw was
 * recorded. An entry whose description names the draw's invoice number wins; otherwise an entry confirms the oldest
 * unconfirmed draw of its amount. Each entry confirms at most one draw, and a withdrawal that matches no draw (a
 * filing fee paid from trust) is reported, never used.
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
  if (draw.state !== 'recorded' || entry.withdrawalCents !== draw.amountCents || entry.date < draw.recordedDate) return false;
  if (entry.enteredAt !== null) {
    const entered = Date.parse(entry.enteredAt);
    if (!Number.isNaN(entered) && entered < draw.recordedAtMs) return false;
  }
  return true;
}

export function matchLedgerToDraws(draws: readonly DrawToConfirm[], ledger: readonly LedgerWithdrawal[]): LedgerMatch {
  const used = new Set(draws.flatMap((d) => (d.ledgerEntryId ? [d.ledgerEntryId] : [])));
  const pending = draws.filter((d) => d.state === 'recorded')
    .sort((a, b) => a.recordedAtMs - b.recordedAtMs || a.id - b.id)
    .map((d) => ({ ...d }));
  const withdrawals = ledger.filter((e) => e.withdrawalCents > 0 && !used.has(e.id))
    .sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id, undefined, { numeric: true }));
  const confirmations: LedgerMatch['confirmations'] = [];
  const confirm = (entry: LedgerWithdrawal, draw: DrawToConfirm & { state: string }) => {
    confirmations.push({ drawId: draw.id, entryId: entry.id, entryDate: entry.date });
    used.add(entry.id);
    draw.state = 'confirmed';
  };

  // An entry naming one of this matter's invoices speaks for that draw only.
  const unnamed: LedgerWithdrawal[] = [];
  for (const entry of withdrawals) {
    const named = draws.filter((d) => namesInvoice(entry.description, d.invoiceNumber));
    if (named.length === 0) {
      unnamed.push(entry);
      continue;
    }
    const draw = pending.find((d) => named.some((n) => n.id === d.id) && canConfirm(entry, d));
    if (draw) confirm(entry, draw);
  }
  for (const entry of unnamed) {
    const draw = pending.find((d) => canConfirm(entry, d));
    if (draw) confirm(entry, draw);
  }
  return { confirmations, unmatchedWithdrawals: ledger.filter((e) => e.withdrawalCents > 0 && !used.has(e.id)) };
}
