import { paymentProblem } from '../../domain/paymentApplicability';

describe('payment applicability (domain/paymentApplicability.ts)', () => {
  it("a payment in another currency than the firm's is not applied", () => {
    expect(paymentProblem({ amountCents: 45_000, currency: 'CAD' }, 'USD')).toMatch(/CAD.*USD/);
    expect(paymentProblem({ amountCents: 45_000, currency: 'jpy' }, 'USD')).toMatch(/JPY/);
    expect(paymentProblem({ amountCents: 45_000, currency: 'usd' }, 'USD')).toBeNull();
  });

  it('an amount that is not a positive whole number of cents is not applied', () => {
    for (const amountCents of [0, -500, 12.5, Number.NaN])
      expect(paymentProblem({ amountCents, currency: 'USD' }, 'USD')).toMatch(/positive whole/);
  });
});
