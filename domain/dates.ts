import { dateTimeFormat } from './intlFormats';

/**
 * Calendar arithmetic in the firm's time zone. Storage is UTC; people read dates in their own zone, and a
 * billing day is a day on the firm's calendar, not UTC's.
 */
export function localDate(epochMs: number, timeZone: string): string {
  const parts = dateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The billing period an instant belongs to: the firm-local calendar month, `YYYY-MM`. */
export function billingPeriod(epochMs: number, timeZone: string): string {
  return localDate(epochMs, timeZone).slice(0, 7);
}

/** Milliseconds offset of `timeZone` from UTC at `epochMs` (positive east of Greenwich). */
function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const parts = dateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** The UTC instant of local midnight starting `date` (YYYY-MM-DD) in `timeZone`. */
export function startOfLocalDay(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  // Two passes settle the offset across a DST change on that day.
  const first = guess - zoneOffsetMs(guess, timeZone);
  return guess - zoneOffsetMs(first, timeZone);
}

/**
 * The next firm-local midnight that starts billing day `billingDay` strictly after `afterMs`. Days past a month's
 * end fall on its last day (a 31 in February bills on the 28th or 29th).
 */
export function nextBillingDate(billingDay: number, afterMs: number, timeZone: string): number {
  const today = localDate(afterMs, timeZone);
  let [year, month] = today.split('-').map(Number) as [number, number];
  for (let i = 0; i < 3; i++) {
    const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const day = Math.min(billingDay, lastDay);
    const candidate = startOfLocalDay(
      `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      timeZone,
    );
    if (candidate > afterMs) return candidate;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  throw new Error('unreachable: a billing date always exists within three months');
}

export function wholeDaysBetween(fromMs: number, toMs: number): number {
  return Math.max(0, Math.floor((toMs - fromMs) / 86_400_000));
}
