import {
  buildTrustReport,
  type ReportDraw,
  type ReportLedgerEntry,
  type TrustReportData,
} from '../../../domain/trustReconciliation';

const DAY = 86_400_000;
const entry = (
  id: string,
  date: string,
  amount: number,
  description = 'x',
  matterId: string | null = 'm1',
): ReportLedgerEntry => ({
  id,
  matterId,
  matterDisplayNumber: matterId ? `00001-${matterId}` : null,
  date,
  depositCents: Math.max(0, amount),
  withdrawalCents: Math.max(0, -amount),
  description,
});
const drawRow = (id: number, amountCents: number, recordedAt: string, extra: Partial<ReportDraw> = {}): ReportDraw => ({
  id,
  matterId: 'm1',
  matterDisplayNumber: '00001-m1',
  invoiceNumber: `00001-m1-${id}`,
  amountCents,
  state: 'recorded',
  recordedAt,
  confirmedAt: null,
  confirmedBy: null,
  ledgerEntryId: null,
  reversedAt: null,
  reversedBy: null,
  ...extra,
});
const data = (over: Partial<TrustReportData>): TrustReportData => ({
  firmId: 'f',
  month: '2026-11',
  timeZone: 'America/New_York',
  generatedAt: '2026-11-30T20:00:00Z',
  ledger: [],
  draws: [],
  processorDeposits: [],
  ...over,
});
const reasons = (r: ReturnType<typeof buildTrustReport>) => r.flags.map((f) => f.reason);

describe('client ledger per matter: opening, deposits, withdrawals, closing for the month', () => {
  it("opens with what came before the month and closes with the month's movements", () => {
    const report = buildTrustReport(
      data({
        ledger: [
          entry('1', '2026-10-03', 100_000),
          entry('2', '2026-11-04', -30_000),
          entry('3', '2026-11-20', 5_000),
          entry('4', '2026-12-01', -1),
        ],
      }),
      { postWithinMs: 3 * DAY },
    );
    expect(report.matters[0]!.ledger).toEqual({
      openingCents: 100_000,
      depositsCents: 5_000,
      withdrawalsCents: 30_000,
      closingCents: 75_000,
    });
  });
});

describe('a draw not posted in the ledger after TRUST_POST_WITHIN is flagged', () => {
  it('flags only draws waiting longer than the window', () => {
    const report = buildTrustReport(
      data({ draws: [drawRow(1, 10_000, '2026-11-26T12:00:00Z'), drawRow(2, 20_000, '2026-11-29T12:00:00Z')] }),
      { postWithinMs: 3 * DAY },
    );
    expect(report.flags.map((f) => f.subject)).toEqual(['draw 1']);
  });
});

describe('a processor trust deposit missing from the ledger is flagged', () => {
  it('matches each deposit to one ledger deposit of its amount on or after its date', () => {
    const deposit = (id: string, amountCents: number, matterId: string | null) => ({
      processor: 'lawpay',
      transactionId: id,
      amountCents,
      reference: 'r',
      occurredAt: '2026-11-10T15:00:00Z',
      matterId,
      matterDisplayNumber: null,
    });
    const report = buildTrustReport(
      data({
        ledger: [entry('1', '2026-11-11', 25_000)],
        processorDeposits: [deposit('t1', 25_000, 'm1'), deposit('t2', 25_000, 'm1'), deposit('t3', 9_000, null)],
      }),
      { postWithinMs: 3 * DAY },
    );
    expect(report.flags.map((f) => [f.reason, f.subject])).toEqual([
      ['processor-deposit-missing-from-ledger', 'lawpay t2'],
      ['processor-deposit-missing-from-ledger', 'lawpay t3'],
    ]);
  });
});

describe('a negative client balance and a withdrawal larger than the balance are flagged', () => {
  it('flags the withdrawal and the ledger that went below zero', () => {
    const report = buildTrustReport(
      data({ ledger: [entry('1', '2026-11-01', 10_000), entry('2', '2026-11-02', -25_000, 'Cheque 1042')] }),
      { postWithinMs: 3 * DAY },
    );
    expect(reasons(report)).toEqual(['withdrawal-exceeds-balance', 'negative-client-balance']);
    expect(report.flags[1]!.amountCents).toBe(-15_000);
  });
});

describe('three-way: adjusted bank balance = trust journal = sum of client ledgers, each difference explained', () => {
  const ledger = [
    entry('1', '2026-11-05', 500_000),
    entry('2', '2026-11-20', -120_000),
    entry('3', '2026-11-29', 70_000),
    entry('4', '2026-11-30', -20_000),
    entry('5', '2026-11-02', 5_000, 'Firm money for bank fees', null),
  ];
  it('lists the journal lines after the statement date as reconciling items', () => {
    const report = buildTrustReport(data({ ledger }), {
      postWithinMs: DAY,
      bank: { balanceCents: 385_000, statementDate: '2026-11-28' },
    });
    expect(report.threeWay).toMatchObject({
      adjustedBankBalanceCents: 435_000,
      journalBalanceCents: 435_000,
      clientLedgersCents: 430_000,
      unassignedCents: 5_000,
      balanced: true,
    });
    expect(report.threeWay!.differences).toEqual([
      "the trust journal exceeds the client ledgers by $50.00: journal lines on no client matter (the firm's own money kept in trust for bank fees)",
    ]);
    expect(report.flags).toEqual([]);
  });

  it('flags a bank balance that does not agree, with the difference', () => {
    const report = buildTrustReport(data({ ledger }), {
      postWithinMs: DAY,
      bank: { balanceCents: 384_000, statementDate: '2026-11-28' },
    });
    expect(report.flags).toEqual([expect.objectContaining({ reason: 'bank-difference', amountCents: -1_000 })]);
  });

  it('refuses a statement date outside the month', () => {
    expect(() =>
      buildTrustReport(data({ ledger }), { postWithinMs: DAY, bank: { balanceCents: 1, statementDate: '2026-12-01' } }),
    ).toThrow('the statement date 2026-12-01 is not in 2026-11');
  });
});
