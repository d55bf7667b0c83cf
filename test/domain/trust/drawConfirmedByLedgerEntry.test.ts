import {
  matchLedgerToDraws,
  namesInvoice,
  type DrawToConfirm,
  type LedgerWithdrawal,
} from '../../../domain/trustConfirmation';

const T0 = Date.parse('2026-11-10T15:00:00Z');
const draw = (id: number, amountCents: number, extra: Partial<DrawToConfirm> = {}): DrawToConfirm => ({
  id,
  invoiceNumber: `00001-Smith-${id}`,
  amountCents,
  state: 'recorded',
  recordedDate: '2026-11-10',
  recordedAtMs: T0 + id,
  ledgerEntryId: null,
  ...extra,
});
const withdrawal = (id: string, withdrawalCents: number, extra: Partial<LedgerWithdrawal> = {}): LedgerWithdrawal => ({
  id,
  date: '2026-11-10',
  withdrawalCents,
  description: 'Trust transfer',
  enteredAt: null,
  ...extra,
});

describe('a draw is confirmed only by a matching withdrawal on its ledger', () => {
  it('needs the same amount', () => {
    expect(matchLedgerToDraws([draw(1, 40_000)], [withdrawal('a', 39_999)]).confirmations).toEqual([]);
    expect(matchLedgerToDraws([draw(1, 40_000)], [withdrawal('a', 40_000)]).confirmations).toEqual([
      { drawId: 1, entryId: 'a', entryDate: '2026-11-10' },
    ]);
  });

  it("needs a ledger date on or after the draw's date on the firm's calendar", () => {
    expect(
      matchLedgerToDraws([draw(1, 40_000)], [withdrawal('a', 40_000, { date: '2026-11-09' })]).confirmations,
    ).toEqual([]);
    expect(
      matchLedgerToDraws([draw(1, 40_000)], [withdrawal('a', 40_000, { date: '2026-11-12' })]).confirmations,
    ).toHaveLength(1);
  });

  it('is never confirmed by a line entered before the draw was recorded', () => {
    const before = withdrawal('a', 40_000, { enteredAt: new Date(T0 - 60_000).toISOString() });
    expect(matchLedgerToDraws([draw(1, 40_000)], [before]).confirmations).toEqual([]);
  });

  it('an entry naming the invoice number wins over the oldest draw of that amount', () => {
    const match = matchLedgerToDraws(
      [draw(1, 40_000), draw(2, 40_000)],
      [withdrawal('a', 40_000, { description: 'Applied to invoice 00001-Smith-2' })],
    );
    expect(match.confirmations).toEqual([{ drawId: 2, entryId: 'a', entryDate: '2026-11-10' }]);
  });

  it('otherwise confirms the oldest unconfirmed draw of that amount', () => {
    const match = matchLedgerToDraws([draw(2, 40_000), draw(1, 40_000), draw(3, 10_000)], [withdrawal('a', 40_000)]);
    expect(match.confirmations.map((c) => c.drawId)).toEqual([1]);
  });

  it('a later entry naming the invoice takes the draw from an unnamed one, which is then shown unmatched', () => {
    const confirmedByFee = draw(1, 30_000, { state: 'confirmed', ledgerEntryId: 'fee' });
    const match = matchLedgerToDraws(
      [confirmedByFee],
      [
        withdrawal('fee', 30_000, { description: 'Expert fee' }),
        withdrawal('named', 30_000, { description: 'Invoice 00001-Smith-1' }),
      ],
    );
    expect(match.confirmations).toEqual([{ drawId: 1, entryId: 'named', entryDate: '2026-11-10' }]);
    expect(match.unmatchedWithdrawals.map((e) => e.id)).toEqual(['fee']);
  });

  it('each ledger entry confirms at most one draw', () => {
    const match = matchLedgerToDraws([draw(1, 40_000), draw(2, 40_000)], [withdrawal('a', 40_000)]);
    expect(match.confirmations).toHaveLength(1);
    const already = matchLedgerToDraws(
      [draw(1, 40_000, { state: 'confirmed', ledgerEntryId: 'a' }), draw(2, 40_000)],
      [withdrawal('a', 40_000)],
    );
    expect(already.confirmations).toEqual([]);
  });

  it('a withdrawal that matches no draw is shown, never used', () => {
    const match = matchLedgerToDraws([draw(1, 40_000)], [withdrawal('fee', 50_000, { description: 'Filing fee' })]);
    expect(match.confirmations).toEqual([]);
    expect(match.unmatchedWithdrawals.map((e) => e.id)).toEqual(['fee']);
  });

  it('the entry of a draw reversed after it was confirmed confirms no other draw', () => {
    const match = matchLedgerToDraws(
      [draw(1, 40_000, { state: 'reversed', ledgerEntryId: 'a' }), draw(2, 40_000)],
      [withdrawal('a', 40_000)],
    );
    expect(match.confirmations).toEqual([]);
  });

  it('reversed and admin-confirmed draws are never matched', () => {
    const match = matchLedgerToDraws(
      [draw(1, 40_000, { state: 'reversed' }), draw(2, 40_000, { state: 'confirmed' })],
      [withdrawal('a', 40_000)],
    );
    expect(match.confirmations).toEqual([]);
  });

  it('reads an invoice number only as a whole token', () => {
    expect(namesInvoice('Invoice 00001-Smith-10', '00001-Smith-1')).toBe(false);
    expect(namesInvoice('Invoice 00001-Smith-1.', '00001-Smith-1')).toBe(true);
    expect(namesInvoice('re 00001-smith-1', '00001-Smith-1')).toBe(true);
  });
});
