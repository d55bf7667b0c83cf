import { localDate } from '../../domain/dates';
import { formatCents } from '../../domain/money';

/**
 * Human output of the admin commands: money as `$1,234.56` (the store keeps integer cents), dates on the firm's
 * calendar (the store keeps UTC), and plain aligned columns that read well in a terminal and in an email.
 */

export function money(cents: number): string {
  return formatCents(cents);
}

/** `2026-03-01`: the firm-local calendar date of an instant. */
export function day(at: Date | number | null | undefined, timeZone: string): string {
  if (at === null || at === undefined) return '';
  return localDate(typeof at === 'number' ? at : at.getTime(), timeZone);
}

/** `2026-03-01 14:05 EST`: an instant on the firm's clock, with the zone's abbreviation. */
export function dateTime(at: Date | number | null | undefined, timeZone: string): string {
  if (at === null || at === undefined) return '';
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).formatToParts(typeof at === 'number' ? new Date(at) : at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${get('timeZoneName')}`;
}

/**
 * Whole days from `from` to `to` on the firm's calendar: an invoice issued yesterday evening is 1 day old this
 * morning, as a person reading an aging report counts. Never negative.
 */
export function calendarDaysBetween(from: Date | number, to: Date | number, timeZone: string): number {
  const toDayNumber = (at: Date | number) => {
    const [y, m, d] = day(at, timeZone).split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d) / 86_400_000;
  };
  return Math.max(0, toDayNumber(to) - toDayNumber(from));
}

/** ISO 8601 in UTC for `--json`, or null. */
export function iso(at: Date | number | null | undefined): string | null {
  if (at === null || at === undefined) return null;
  return (typeof at === 'number' ? new Date(at) : at).toISOString();
}

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/**
 * Aligned columns separated by two spaces, headers in capitals, no trailing blanks. `footer` rows (totals) are
 * set off by a rule.
 */
export function table(
  columns: Column[],
  rows: string[][],
  options: { indent?: string; footer?: string[][] } = {},
): string {
  const indent = options.indent ?? '';
  const footer = options.footer ?? [];
  const all = [columns.map((c) => c.header.toUpperCase()), ...rows, ...footer];
  const widths = columns.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const render = (row: string[]) =>
    indent +
    columns
      .map((column, i) => {
        const cell = row[i] ?? '';
        return column.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  const lines = [render(all[0]!), ...rows.map(render)];
  if (footer.length > 0) {
    const ruled = widths.map((w, i) => (footer.some((row) => (row[i] ?? '') !== '') ? '-'.repeat(w) : ' '.repeat(w)));
    lines.push((indent + ruled.join('  ')).trimEnd());
    lines.push(...footer.map(render));
  }
  return lines.join('\n');
}

/** `Label   value` pairs with the labels aligned; pairs with an empty value are left out. */
export function fields(pairs: Array<[string, string | null | undefined]>, indent = '  '): string {
  const shown = pairs.filter(
    (pair): pair is [string, string] => pair[1] !== null && pair[1] !== undefined && pair[1] !== '',
  );
  const width = Math.max(0, ...shown.map(([label]) => label.length));
  return shown.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`).join('\n');
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
