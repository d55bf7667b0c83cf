import {
  amountDueCents,
  creditToApplyCents,
  matterCreditBalanceCents,
  matterCreditCents,
  overpaymentCents,
  statusAfterMoney,
  type InvoiceMoney,
} from '../../domain/invoiceMoney';

const issued = (over: Partial<InvoiceMoney> = {}): InvoiceMoney => ({
  status: 'issued',
  totalCents: 100_000,
  trustAppliedCents: 0,
  creditAppliedCents: 0,
  paidCents: 0,
  ...over,
});

describe('invoice money (domain/invoiceMoney.ts)', () => {
  it('amount due is the total less trust, matter credit and the net paid', () => {
    expect(amountDueCents(issued({ trustAppliedCents: 20_000, creditAppliedCents: 5_000, paidCents: 30_000 }))).toBe(
      45_000,
    );
  });

  it('amount due is never negative, and nothing is due on a void invoice', () => {
    expect(amountDueCents(issued({ paidCents: 150_000 }))).toBe(0);
    expect(amountDueCents(issued({ status: 'void', paidCents: 10_000 }))).toBe(0);
  });

  it('an overpayment is what was received beyond the total', () => {
    expect(overpaymentCents(issued({ trustAppliedCents: 40_000, paidCents: 70_000 }))).toBe(10_000);
    expect(overpaymentCents(issued({ paidCents: 99_999 }))).toBe(0);
  });

  it('a void invoice gives back everything paid on it, and the credit it used, as matter credit', () => {
    expect(overpaymentCents(issued({ status: 'void', paidCents: 30_000, creditAppliedCents: 5_000 }))).toBe(35_000);
  });

  it('status follows the money once issued: paid when nothing is due, partially paid after a payment, issued after a full refund', () => {
    expect(statusAfterMoney(issued({ paidCents: 100_000 }))).toBe('paid');
    expect(statusAfterMoney(issued({ paidCents: 1 }))).toBe('partially_paid');
    expect(statusAfterMoney(issued({ status: 'paid', paidCents: 0 }))).toBe('issued');
  });

  it('money never issues, approves or un-voids an invoice', () => {
    for (const status of ['draft', 'awaiting_approval', 'void'] as const) {
      expect(statusAfterMoney(issued({ status, paidCents: 100_000 }))).toBe(status);
    }
  });

  it("a matter's credit is its invoices' overpayments and money held on it, less credit already used", () => {
    const invoices = [
      issued({ status: 'paid', paidCents: 120_000 }), // 200.00 over
      issued({ status: 'void', paidCents: 15_000 }), // 150.00 back
      issued({ creditAppliedCents: 10_000 }), // 100.00 used
    ];
    expect(matterCreditCents({ invoices, heldOnMatterCents: 5_000 })).toBe(20_000 + 15_000 - 10_000 + 5_000);
    expect(matterCreditCents({ invoices: [issued({ creditAppliedCents: 10_000 })], heldOnMatterCents: 0 })).toBe(0);
  });

  it('voiding an invoice that used matter credit gives back that credit and what was paid on it, never more', () => {
    // A overpaid by 300.00; B (1,000.00) took that 300.00 as credit, the client paid 200.00 on it, then B was voided.
    const a = issued({ status: 'paid', paidCents: 130_000 });
    const b = issued({ status: 'void', creditAppliedCents: 30_000, paidCents: 20_000 });
    expect(matterCreditCents({ invoices: [a, b], heldOnMatterCents: 0 })).toBe(50_000);
  });

  it('a refund of credit already used leaves the matter short, which is reported, never hidden', () => {
    const a = issued({ status: 'paid', paidCents: 100_000 }); // its 300.00 overpayment was refunded
    const b = issued({ creditAppliedCents: 30_000 });
    expect(matterCreditBalanceCents({ invoices: [a, b], heldOnMatterCents: 0 })).toBe(-30_000);
    expect(matterCreditCents({ invoices: [a, b], heldOnMatterCents: 0 })).toBe(0);
  });

  it('a new invoice takes the matter credit first, up to its total', () => {
    expect(creditToApplyCents({ matterCreditCents: 30_000, totalCents: 20_000, trustAppliedCents: 0 })).toBe(20_000);
    expect(creditToApplyCents({ matterCreditCents: 5_000, totalCents: 20_000, trustAppliedCents: 0 })).toBe(5_000);
  });
});
