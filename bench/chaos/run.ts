/**
 * The chaos harness: `npm run chaos -- --payments 10000 --seed 7 [--workers 2] [--kills 20] [--cut-seconds 30]`
 * `[--reminders 60s,120s,180s] [--replay-seconds 60,180] [--report report.json] [--calm]`.
 * Prints payments, faults by kind, kills and restarts, each invariant with its count, reconciliation lag and the wall
 * time; exits 1 when any invariant is broken, so a seed that finds a bug can be replayed as is.
 */
import fs from 'node:fs';
import { formatReport, runChaos } from './harness';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const num = (name: string, fallback: number) => Number(arg(name, String(fallback)));

async function main(): Promise<void> {
  // Ctrl-C (or a CI timeout) still stops every process of the run: the harness's cleanups run on the way out.
  const abort = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => abort.abort(new Error(`stopped by ${signal}`)));
  const payments = num('payments', 1000);
  const [replayFrom, replayTo] = arg('replay-seconds', '60,180').split(',').map(Number) as [number, number];
  const report = await runChaos({
    payments,
    seed: num('seed', Math.floor(Math.random() * 2 ** 31)),
    workers: num('workers', 2),
    kills: num('kills', 20),
    temporalCutMs: num('cut-seconds', 30) * 1000,
    reminderSchedule: arg('reminders', '60s,120s,180s'),
    replayAfterMs: [replayFrom * 1000, replayTo * 1000],
    settleTimeoutMs: num('settle-seconds', Math.max(1_200, payments / 5)) * 1000,
    calm: process.argv.includes('--calm'),
    signal: abort.signal,
    log: (line) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
  });
  process.stdout.write(formatReport(report));
  const reportFile = arg('report', '');
  if (reportFile) fs.writeFileSync(reportFile, JSON.stringify(report, null, 2));
  if (report.invariants.some((i) => i.violations > 0) || report.kills.some((k) => k.recoveryLagMs === null))
    process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
