import { daysPastDue, dueAtForDate, dueAtForTerms, dueBucketOf, isOverdue } from '../../domain/dueDates';
import { localDate } from '../../domain/dates';

const NY = 'America/New_York';
const at = (iso: string) => new Date(iso).getTime();

describe('due date: PAYMENT_TERMS days after the issue date, on the firm calendar', () => {
  it('30d terms: issued late on Nov 30 in New York (already Dec 1 in UTC) is due Dec 30', () => {
    const due = dueAtForTerms(at('2026-12-01T03:30:00Z'), 30, NY);
    expect(localDate(due, NY)).toBe('2026-12-30');
    expect(new Date(due).toISOString()).toBe('2026-12-30T05:00:00.000Z');
  });

  it('0d terms are due on receipt: due the day it is issued, overdue the next day', () => {
    const issued = at('2026-11-21T15:00:00Z');
    const due = dueAtForTerms(issued, 0, NY);
    expect(localDate(due, NY)).toBe('2026-11-21');
    expect(isOverdue({ dueAtMs: due, amountDueCents: 100, nowMs: at('2026-11-21T23:00:00Z'), timeZone: NY })).toBe(
      false,
    );
    expect(isOverdue({ dueAtMs: due, amountDueCents: 100, nowMs: at('2026-11-22T12:00:00Z'), timeZone: NY })).toBe(
      true,
    );
  });

  it('a typed due date is that date on the firm calendar', () => {
    expect(localDate(dueAtForDate('2027-01-15', NY), NY)).toBe('2027-01-15');
  });
});

describe('overdue: due date passed with a balance', () => {
  const due = dueAtForDate('2026-11-01', NY);
  it('is not overdue on the due date itself, and is from the next day', () => {
    expect(daysPastDue(due, at('2026-11-01T23:00:00Z'), NY)).toBe(0);
    expect(daysPastDue(due, at('2026-11-02T12:00:00Z'), NY)).toBe(1);
  });
  it('is never overdue once paid', () => {
    expect(isOverdue({ dueAtMs: due, amountDueCents: 0, nowMs: at('2027-01-01T12:00:00Z'), timeZone: NY })).toBe(false);
  });
  it('is never overdue without a due date', () => {
    expect(isOverdue({ dueAtMs: null, amountDueCents: 500, nowMs: at('2027-01-01T12:00:00Z'), timeZone: NY })).toBe(
      false,
    );
  });
});

describe('aging by due date: current, 1–30, 31–60, 61–90, 91+', () => {
  it.each([
    [0, 'current'],
    [1, '1–30'],
    [30, '1–30'],
    [31, '31–60'],
    [60, '31–60'],
    [61, '61–90'],
    [90, '61–90'],
    [91, '91+'],
    [400, '91+'],
  ])('%i days past due is %s', (days, label) => {
    expect(dueBucketOf(days).label).toBe(label);
  });
});
