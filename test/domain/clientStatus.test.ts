import { clientStatus } from '../../domain/clientStatus';
import { dueAtForDate } from '../../domain/dueDates';

const NY = 'America/New_York';
const now = new Date('2026-12-10T15:00:00Z').getTime();
const notYetDue = dueAtForDate('2026-12-31', NY);
const pastDue = dueAtForDate('2026-12-01', NY);

describe("client status: the invoice's state in the client's words", () => {
  it('Unpaid: issued, nothing paid, not yet due', () => {
    expect(
      clientStatus({
        status: 'issued',
        paidCents: 0,
        amountDueCents: 65_000,
        dueAtMs: notYetDue,
        nowMs: now,
        timeZone: NY,
      }),
    ).toBe('Unpaid');
  });
  it('Partially paid: some paid, balance left, not yet due', () => {
    expect(
      clientStatus({
        status: 'partially_paid',
        paidCents: 20_000,
        amountDueCents: 45_000,
        dueAtMs: notYetDue,
        nowMs: now,
        timeZone: NY,
      }),
    ).toBe('Partially paid');
  });
  it('Overdue: past the due date with a balance, paid in part or not at all', () => {
    expect(
      clientStatus({
        status: 'issued',
        paidCents: 0,
        amountDueCents: 65_000,
        dueAtMs: pastDue,
        nowMs: now,
        timeZone: NY,
      }),
    ).toBe('Overdue');
    expect(
      clientStatus({
        status: 'partially_paid',
        paidCents: 20_000,
        amountDueCents: 45_000,
        dueAtMs: pastDue,
        nowMs: now,
        timeZone: NY,
      }),
    ).toBe('Overdue');
  });
  it('Paid: nothing due, even past the due date', () => {
    expect(
      clientStatus({
        status: 'paid',
        paidCents: 65_000,
        amountDueCents: 0,
        dueAtMs: pastDue,
        nowMs: now,
        timeZone: NY,
      }),
    ).toBe('Paid');
  });
  it('Cancelled: a void invoice', () => {
    expect(
      clientStatus({ status: 'void', paidCents: 0, amountDueCents: 0, dueAtMs: pastDue, nowMs: now, timeZone: NY }),
    ).toBe('Cancelled');
  });
});
