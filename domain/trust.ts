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
