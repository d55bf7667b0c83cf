import { isReversal, ledgerEffectCents, netPaidCents } from '../../domain/paymentEffect';

describe('payment effects (domain/paymentEffect.ts)', () => {
  it('a completed charge counts its amount; a failed, pending or voided one counts nothing', () => {
    expect(ledgerEffectCents('charge', 'completed', 45_000)).toBe(45_000);
    for (const status of ['failed', 'pending', 'voided'] as const)
      expect(ledgerEffectCents('charge', status, 45_000)).toBe(0);
  });

  it('a completed refund takes its amount back; a voided refund gives it back', () => {
    expect(ledgerEffectCents('refund', 'completed', 10_000)).toBe(-10_000);
    expect(ledgerEffectCents('refund', 'voided', 10_000)).toBe(0);
  });

  it('disputed funds are withdrawn while the dispute is open or lost, and return when it is won', () => {
    expect(ledgerEffectCents('dispute', 'open', 30_000)).toBe(-30_000);
    expect(ledgerEffectCents('dispute', 'lost', 30_000)).toBe(-30_000);
    expect(ledgerEffectCents('dispute', 'won', 30_000)).toBe(0);
  });

  it('money the firm paid out (a LawPay CREDIT) is never a client payment', () => {
    expect(ledgerEffectCents('payout', 'completed', 50_000)).toBe(0);
  });

  it("an invoice's paid amount is the net of its ledger", () => {
    expect(netPaidCents([{ effectCents: 45_000 }, { effectCents: -10_000 }, { effectCents: 0 }])).toBe(35_000);
  });

  it('a reversal is a change that takes back counted money', () => {
    expect(isReversal(45_000, 0)).toBe(true);
    expect(isReversal(0, 45_000)).toBe(false);
  });
});
