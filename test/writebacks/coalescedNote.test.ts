import { coalescedNote } from '../../activities/coalescedNote';

describe('coalescedNote: one note for the notes of one moment', () => {
  const drafted = {
    key: 'invoice/00001-Smith-1/drafted',
    subject: 'Invoice 00001-Smith-1 drafted',
    detail: 'Invoice 00001-Smith-1 drafted for $750.00.',
  };
  const trust = {
    key: 'invoice/00001-Smith-1/trust-draw',
    subject: 'Invoice 00001-Smith-1: trust draw',
    detail: '$400.00 of trust funds applied to invoice 00001-Smith-1.',
  };
  const emailed = {
    key: 'invoice/00001-Smith-1/issued',
    subject: 'Invoice 00001-Smith-1: invoice emailed',
    detail: 'invoice emailed to the client for $350.00 due on invoice 00001-Smith-1.',
  };

  it('leaves a note of its own exactly as it was', () => {
    expect(coalescedNote([drafted])).toEqual({ ...drafted, alsoKeys: [] });
  });

  it("names the invoice once in the subject, keeps every fact's full text, and marks every fact's key", () => {
    expect(coalescedNote([drafted, trust, emailed])).toEqual({
      key: drafted.key,
      subject: 'Invoice 00001-Smith-1: drafted; trust draw; invoice emailed',
      detail: [drafted.detail, trust.detail, emailed.detail].join('\n\n'),
      alsoKeys: [trust.key, emailed.key],
    });
  });

  it('joins subjects about different things as they are', () => {
    const payment = { key: 'payment/lawpay/t1/charge', subject: 'Payment received: $350.00', detail: 'Payment…' };
    expect(coalescedNote([payment, drafted]).subject).toBe('Payment received: $350.00; Invoice 00001-Smith-1 drafted');
  });
});
