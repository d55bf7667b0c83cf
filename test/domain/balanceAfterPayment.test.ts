import { balanceAfterPayment } from '../../domain/balanceAfterPayment';

describe('balance after payment: total − trust − the payments so far, as each receipt states it', () => {
  const payments = [
    { transactionId: 'a', signedCents: 20_000 },
    { transactionId: 'r', signedCents: -5_000 },
    { transactionId: 'b', signedCents: 50_000 },
  ];
  const base = { totalCents: 75_000, trustAppliedCents: 10_000, payments };
  it('after the first payment: $750 − $100 trust − $200 = $450', () => {
    expect(balanceAfterPayment({ ...base, transactionId: 'a' })).toBe(45_000);
  });
  it('a refund in between raises it again, and the last payment settles it to $0', () => {
    expect(balanceAfterPayment({ ...base, transactionId: 'r' })).toBe(50_000);
    expect(balanceAfterPayment({ ...base, transactionId: 'b' })).toBe(0);
  });
  it('is unknown for a payment not on the invoice', () => {
    expect(balanceAfterPayment({ ...base, transactionId: 'zzz' })).toBeNull();
  });
});
