/**
 * The dunning schedule (docs/domain.md §4.5): offsets from the issue date. The first offsets are reminders, the last is the
 * escalation to the attorney. With `7d,21d,30d`: reminders at day 7 and 21 (every one carries the pay link; the
 * second and later say so plainly), escalation at day 30.
 */
export type DunningStep = { kind: 'reminder'; number: number; atMs: number } | { kind: 'escalation'; atMs: number };

export function dunningSteps(issuedAtMs: number, scheduleMs: number[]): DunningStep[] {
  if (scheduleMs.length === 0) return [];
  const reminders = scheduleMs
    .slice(0, -1)
    .map((offset, i) => ({ kind: 'reminder' as const, number: i + 1, atMs: issuedAtMs + offset }));
  return [...reminders, { kind: 'escalation' as const, atMs: issuedAtMs + scheduleMs[scheduleMs.length - 1]! }];
}
