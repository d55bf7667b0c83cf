import { patched } from '@temporalio/workflow';

/**
 * The versioning rules of one workflow type, asked through one generation marker. In a new execution each `patched`
 * call records a marker and an upsert of Temporal's `TemporalChangeVersion` search attribute: two history events
 * apiece (a new payment's workflow had six rules, an invoice seven), which an invoice replays on every payment that
 * wakes it out of the worker's cache.
 *
 * An execution that records `generation` takes every rule of `covered` as on, with no marker of its own; one recorded
 * before it (no such marker) asks each rule as it always did, so its history replays exactly. A rule added later is
 * not in `covered` and is asked with its own marker, so executions of this generation replay as they ran. Call once,
 * first thing in the workflow function, before any command.
 */
export function rulesOf(generation: string, covered: readonly string[]): (rule: string) => boolean {
  const current = patched(generation);
  return (rule) => (current && covered.includes(rule)) || patched(rule);
}
