import { drawsTheLedgerDoesNotShowCents, type DrawAgainstLedger } from '../../../domain/trust';

const READ_AT = Date.parse('2026-12-03T15:00:00Z');
const read = (entryIds: string[] = []) => ({ entryIds: new Set(entryIds), startedAtMs: READ_AT });
const draw = (overrides: Partial<DrawAgainstLedger>): DrawAgainstLedger => ({
  amountCents: 10_000,
  state: 'recorded',
  ledgerEntryId: null,
  confirmedAtMs: null,
  ...overrides,
});

describe('draws the ledger does not show are subtracted from its balance', () => {
  it('counts every recorded draw, and no reversed one', () => {
    expect(drawsTheLedgerDoesNotShowCents([draw({ amountCents: 40_000 }), draw({ state: 'reversed' })], read())).toBe(
      40_000,
    );
  });

  it('counts a draw confirmed after the read began whose entry the read does not hold', () => {
    const confirmedLater = draw({ state: 'confirmed', ledgerEntryId: 'e9', confirmedAtMs: READ_AT + 1 });
    expect(drawsTheLedgerDoesNotShowCents([confirmedLater], read(['e1']))).toBe(10_000);
    expect(drawsTheLedgerDoesNotShowCents([confirmedLater], read(['e9']))).toBe(0);
  });

  it('counts a draw a person confirmed after the read began, and not one confirmed before it', () => {
    const byHand = (confirmedAtMs: number) => draw({ state: 'confirmed', confirmedAtMs });
    expect(drawsTheLedgerDoesNotShowCents([byHand(READ_AT + 5)], read())).toBe(10_000);
    expect(drawsTheLedgerDoesNotShowCents([byHand(READ_AT - 5)], read())).toBe(0);
  });

  it('does not count, for ever, a draw confirmed before the read whose entry was since removed', () => {
    expect(
      drawsTheLedgerDoesNotShowCents(
        [draw({ state: 'confirmed', ledgerEntryId: 'gone', confirmedAtMs: READ_AT - 86_400_000 })],
        read(['e1']),
      ),
    ).toBe(0);
  });
});
