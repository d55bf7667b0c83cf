import { choosePaymentTarget, type CandidateInvoice } from '../../domain/paymentTarget';

const inv = (
  invoiceNumber: string,
  status: CandidateInvoice['status'],
  issuedAtMs: number | null,
  amountDueCents: number,
): CandidateInvoice => ({ invoiceNumber, status, issuedAtMs, amountDueCents });

describe('payment target (domain/paymentTarget.ts)', () => {
  it('a payment naming an invoice pays that invoice, even one already paid (the excess becomes matter credit)', () => {
    expect(choosePaymentTarget({ namedInvoice: inv('A-2', 'paid', 2, 0), matterInvoices: [] })).toEqual({
      kind: 'invoice',
      invoiceNumber: 'A-2',
    });
  });

  it('a payment naming a void, draft or unapproved invoice is parked for a person', () => {
    for (const status of ['void', 'draft', 'awaiting_approval'] as const) {
      expect(choosePaymentTarget({ namedInvoice: inv('A-3', status, null, 0), matterInvoices: [] }).kind).toBe('park');
    }
  });

  it("a legacy reference pays the matter's oldest invoice still owing", () => {
    const matterInvoices = [
      inv('A-3', 'issued', 30, 100),
      inv('A-1', 'paid', 10, 0),
      inv('A-2', 'partially_paid', 20, 50),
      inv('A-4', 'draft', null, 900),
    ];
    expect(choosePaymentTarget({ namedInvoice: null, matterInvoices })).toEqual({
      kind: 'invoice',
      invoiceNumber: 'A-2',
    });
  });

  it('with no invoice owing, the money is held on the matter as credit', () => {
    expect(choosePaymentTarget({ namedInvoice: null, matterInvoices: [inv('A-1', 'paid', 10, 0)] })).toEqual({
      kind: 'matter-credit',
    });
  });
});
