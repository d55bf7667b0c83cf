import { availableTrustCents, planTrustDraw } from '../../../domain/trust';

describe('available trust is the balance minus every unconfirmed draw', () => {
  it('subtracts draws the ledger does not show yet', () => {
    expect(availableTrustCents(100_000, 40_000)).toBe(60_000);
  });

  it('is never negative, even when unconfirmed draws exceed the balance', () => {
    expect(availableTrustCents(50_000, 90_000)).toBe(0);
  });
});

describe('a draw is min(available trust, amount due) and the client is asked only for the rest', () => {
  it('$1,000 in trust, $400 not posted, $500 paid out: a $500 invoice draws $100', () => {
    expect(
      planTrustDraw({ practiceBalanceCents: 50_000, unconfirmedDrawsCents: 40_000, amountDueCents: 50_000 }),
    ).toEqual({ availableCents: 10_000, drawCents: 10_000, remainderCents: 40_000 });
  });

  it('settles the invoice from trust when trust covers it', () => {
    expect(planTrustDraw({ practiceBalanceCents: 100_000, unconfirmedDrawsCents: 0, amountDueCents: 40_000 })).toEqual({
      availableCents: 100_000,
      drawCents: 40_000,
      remainderCents: 0,
    });
  });

  it('refuses fractions of a cent and negative amounts', () => {
    expect(() => planTrustDraw({ practiceBalanceCents: 100.5, unconfirmedDrawsCents: 0, amountDueCents: 1 })).toThrow(
      'practiceBalanceCents must be whole cents',
    );
    expect(() => planTrustDraw({ practiceBalanceCents: 100, unconfirmedDrawsCents: 0, amountDueCents: -1 })).toThrow(
      'amount due cannot be negative',
    );
  });
});
