/**
 * Trust-first draw (DESIGN §4.3). Available trust is what the practice system shows minus the draws matterpay has
 * recorded that the practice system does not reflect yet: counting them twice would be safe, forgetting them
 * would overdraw.
 */
export interface TrustDrawPlan {
  availableCents: number;
  drawCents: number;
  /** What the client is asked to pay. */
  remainderCents: number;
}

export function planTrustDraw(input: { practiceBalanceCents: number; unconfirmedDrawsCents: number; amountDueCents: number }): TrustDrawPlan {
  const { practiceBalanceCents, unconfirmedDrawsCents, amountDueCents } = input;
  for (const [name, value] of Object.entries(input)) {
    if (!Number.isInteger(value)) throw new Error(`${name} must be whole cents, got ${value}`);
  }
  if (amountDueCents < 0) throw new Error('amount due cannot be negative');
  const availableCents = Math.max(0, practiceBalanceCents - unconfirmedDrawsCents);
  const drawCents = Math.min(availableCents, amountDueCents);
  return { availableCents, drawCents, remainderCents: amountDueCents - drawCents };
}

/**
 * A recorded draw is confirmed once the practice system's balance has come down to what it would be after that
 * draw (`expectedBalanceAfterCents`). A deposit in between keeps it unconfirmed, which the three-way trust report
 * shows for a person to check: never a silent guess.
 */
export function isDrawReflected(draw: { expectedBalanceAfterCents: number }, practiceBalanceCents: number): boolean {
  return practiceBalanceCents <= draw.expectedBalanceAfterCents;
}
