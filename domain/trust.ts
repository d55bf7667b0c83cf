/**
 * Trust-first draw (docs/domain.md §4.3). Available trust is the practice system's balance minus every draw matterpay has
 * recorded that the practice system's ledger does not show yet: counting one twice would be safe, forgetting one
 * would overdraw.
 */
export interface TrustDrawPlan {
  availableCents: number;
  drawCents: number;
  /** What the client is asked to pay. */
  remainderCents: number;
}

export function availableTrustCents(practiceBalanceCents: number, unconfirmedDrawsCents: number): number {
  return Math.max(0, practiceBalanceCents - unconfirmedDrawsCents);
}

export function planTrustDraw(input: {
  practiceBalanceCents: number;
  unconfirmedDrawsCents: number;
  amountDueCents: number;
}): TrustDrawPlan {
  const { practiceBalanceCents, unconfirmedDrawsCents, amountDueCents } = input;
  for (const [name, value] of Object.entries(input)) {
    if (!Number.isInteger(value)) throw new Error(`${name} must be whole cents, got ${value}`);
  }
  if (amountDueCents < 0) throw new Error('amount due cannot be negative');
  if (unconfirmedDrawsCents < 0) throw new Error('unconfirmed draws cannot be negative');
  const availableCents = availableTrustCents(practiceBalanceCents, unconfirmedDrawsCents);
  const drawCents = Math.min(availableCents, amountDueCents);
  return { availableCents, drawCents, remainderCents: amountDueCents - drawCents };
}

/** One of matterpay's draws on a matter, as a trust decision weighs it against one read of the matter's ledger. */
export interface DrawAgainstLedger {
  amountCents: number;
  state: 'recorded' | 'confirmed' | 'reversed';
  /** The ledger entry that confirmed it; null when a person confirmed it, or while it is recorded. */
  ledgerEntryId: string | null;
  confirmedAtMs: number | null;
}

/**
 * What of matterpay's draws one read of the ledger does not show (docs/domain.md §4.3): every recorded draw, and every
 * draw confirmed after the read began that the read does not hold the entry of. Another decision may confirm a draw
 * from a fresher read while this one is deciding on its older read: its posting may be missing from this read, and
 * forgetting it would count the same money twice. A draw confirmed before the read began was posted before it, so
 * the read shows it, whatever became of its entry since.
 */
export function drawsTheLedgerDoesNotShowCents(
  draws: readonly DrawAgainstLedger[],
  read: { entryIds: ReadonlySet<string>; startedAtMs: number },
): number {
  let cents = 0;
  for (const draw of draws) {
    const unseen =
      draw.state === 'recorded' ||
      (draw.state === 'confirmed' &&
        (draw.confirmedAtMs === null || draw.confirmedAtMs >= read.startedAtMs) &&
        (draw.ledgerEntryId === null || !read.entryIds.has(draw.ledgerEntryId)));
    if (unseen) cents += draw.amountCents;
  }
  return cents;
}
