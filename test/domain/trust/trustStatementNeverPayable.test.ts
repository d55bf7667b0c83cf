import { trustStatement } from '../../../domain/trustStatement';

describe('a trust statement is never payable', () => {
  const statement = trustStatement({
    month: '2026-11',
    clientName: 'Sam Smith',
    matterDisplayNumber: '00001-Smith',
    matterDescription: 'Estate',
    ledger: [
      {
        id: '1',
        date: '2026-10-02',
        depositCents: 100_000,
        withdrawalCents: 0,
        description: 'Retainer',
        invoiceNumber: null,
      },
      {
        id: '2',
        date: '2026-11-03',
        depositCents: 0,
        withdrawalCents: 40_000,
        description: 'Trust applied',
        invoiceNumber: '00001-Smith-1',
      },
      {
        id: '3',
        date: '2026-11-09',
        depositCents: 0,
        withdrawalCents: 15_000,
        description: 'Court filing fee',
        invoiceNumber: null,
      },
    ],
    pendingDraws: [{ invoiceNumber: '00001-Smith-2', amountCents: 5_000 }],
  })!;

  it('states opening, deposits, draws with their invoice numbers, and closing', () => {
    expect(statement).toMatchObject({
      openingCents: 100_000,
      depositsCents: 0,
      withdrawalsCents: 55_000,
      closingCents: 45_000,
    });
    expect(statement.text).toContain('Opening balance on 2026-11-01: $1,000.00');
    expect(statement.text).toContain('Withdrawal $400.00: applied to invoice 00001-Smith-1');
    expect(statement.text).toContain('$50.00 to invoice 00001-Smith-2');
    expect(statement.text).toContain('Closing balance on 2026-11-30: $450.00');
  });

  it('carries no link and no "pay" wording', () => {
    expect(statement.text).not.toMatch(/https?:\/\/|\/pay\//);
    expect(`${statement.subject}\n${statement.text}`).not.toMatch(/\bpay(able|ment|ing)?\b/i);
  });

  it('is not sent for a month without trust activity', () => {
    expect(
      trustStatement({
        month: '2026-12',
        clientName: 'x',
        matterDisplayNumber: 'x',
        matterDescription: '',
        ledger: [],
        pendingDraws: [],
      }),
    ).toBeNull();
  });
});
