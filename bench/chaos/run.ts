/**
 * The chaos harness, bench size: `npm run chaos -- --payments 10000 --seed 7 [--workers 2] [--kills 20]`.
 * Prints payments, faults by kind, kills and restarts, each invariant with its count, reconciliation lag and the
 * wall time; exits 1 when any invariant is broken, so a seed that finds a bug can be replayed as is.
 */
import { formatReport, runChaos } from './harness';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

async function main(): Promise<void> {
  // Ctrl-C (or a CI timeout) still stops every process of the run: the harness's cleanups run on the way out.
  const abort = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort(new Error(`stopped by ${signal}`)));
  const payments = arg('payments', 1000);
  const report = await runChaos({
    payments,
    seed: arg('seed', Math.floor(Math.random() * 2 ** 31)),
    workers: arg('workers', 2),
    kills: arg('kills', 20),
    temporalCutMs: arg('cut-seconds', 30) * 1000,
    reminderSchedule: process.env.CHAOS_REMINDER_SCHEDULE ?? '60s,120s,180s',
    replayAfterMs: [60_000, 180_000],
    settleTimeoutMs: Math.max(10 * 60_000, payments * 200),
    calm: process.argv.includes('--calm'),
    signal: abort.signal,
    log: (line) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
  });
  process.stdout.write(formatReport(report));
  if (report.invariants.some((i) => i.violations > 0) || report.kills.some((k) => k.recoveryLagMs === null)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
