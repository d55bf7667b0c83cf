/**
 * Due dates and days past due, on the firm's calendar (docs/domain.md §4.4). An invoice is due on a calendar date; it is
 * overdue from the next day on while a balance remains. `PAYMENT_TERMS=0d` is "due on receipt": due the day it is
 * issued. Stored as the firm-local midnight that starts the due date.
 */
import { localDate, startOfLocalDay } from './dates';

const DAY_MS = 86_400_000;

function addCalendarDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

/** The due date of an invoice issued at `issuedAtMs` on `termsDays` terms, as the instant its local day starts. */
export function dueAtForTerms(issuedAtMs: number, termsDays: number, timeZone: string): number {
  if (!Number.isInteger(termsDays) || termsDays < 0)
    throw new RangeError(`payment terms must be whole days, got ${termsDays}`);
  return startOfLocalDay(addCalendarDays(localDate(issuedAtMs, timeZone), termsDays), timeZone);
}

/** A due date someone typed (YYYY-MM-DD, the firm's calendar), as the instant its local day starts. */
export function dueAtForDate(date: string, timeZone: string): number {
  return startOfLocalDay(date, timeZone);
}

/** Whole days the firm's calendar is past the due date: 0 on the due date and before it. */
export function daysPastDue(dueAtMs: number, nowMs: number, timeZone: string): number {
  return Math.max(0, dayNumber(localDate(nowMs, timeZone)) - dayNumber(localDate(dueAtMs, timeZone)));
}

/** Overdue = the due date has passed with a balance left. */
export function isOverdue(input: {
  dueAtMs: number | null;
  amountDueCents: number;
  nowMs: number;
  timeZone: string;
}): boolean {
  return (
    input.dueAtMs !== null && input.amountDueCents > 0 && daysPastDue(input.dueAtMs, input.nowMs, input.timeZone) > 0
  );
}

export interface DueBucket {
  label: string;
  minDays: number;
  /** Inclusive; null = no upper bound. */
  maxDays: number | null;
}

/** Conventional receivables aging by days past due. */
export const DUE_BUCKETS: readonly DueBucket[] = [
  { label: 'current', minDays: 0, maxDays: 0 },
  { label: '1–30', minDays: 1, maxDays: 30 },
  { label: '31–60', minDays: 31, maxDays: 60 },
  { label: '61–90', minDays: 61, maxDays: 90 },
  { label: '91+', minDays: 91, maxDays: null },
];

export function dueBucketOf(daysPast: number): DueBucket {
  return DUE_BUCKETS.find((b) => daysPast >= b.minDays && (b.maxDays === null || daysPast <= b.maxDays))!;
}
