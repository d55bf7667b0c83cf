import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChaosReport } from '../../bench/chaos/harness';

/**
 * The chaos harness, CI size (about 300 payments, fixed seed): every fault at once against production-shaped
 * processes, then every invariant against the vendors' own state. Gated behind MATTERPAY_CHAOS=1 (see the README's
 * chaos section): on a shared 2-core machine it does not reliably finish within the 4 minutes a CI test may take.
 * The run is `npm run chaos` in a process of its own (as an operator runs it), which writes its report as JSON.
 */
const enabled = process.env.MATTERPAY_CHAOS === '1';
const SEED = Number(process.env.MATTERPAY_CHAOS_SEED ?? 20261201);

(enabled ? describe : describe.skip)('chaos: kill, restart and starve matterpay while vendors misbehave', () => {
  let report: ChaosReport;

  beforeAll(async () => {
    const reportFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-report-')), 'report.json');
    const args = [
      '--payments',
      process.env.MATTERPAY_CHAOS_PAYMENTS ?? '300',
      '--seed',
      String(SEED),
      '--workers',
      '2',
      '--kills',
      '5',
      '--cut-seconds',
      '30',
      '--reminders',
      '45s,90s,120s',
      '--replay-seconds',
      '20,60',
      '--settle-seconds',
      '300',
      '--report',
      reportFile,
    ];
    const child = spawn(
      process.execPath,
      [path.resolve(__dirname, '../../bin/run-ts.js'), path.resolve(__dirname, '../../bench/chaos/run.ts'), ...args],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    await new Promise((resolve) => child.on('exit', resolve));
    report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ChaosReport;
  }, 15 * 60_000);

  it('injected every fault kind, and killed workers in the middle of money activities', () => {
    const kinds = new Map(report.faults);
    for (const kind of [
      'webhook duplicated',
      'webhook dropped',
      'webhook delayed',
      'webhook replayed later',
      'Clio API 5xx',
      'Clio API 429',
      'LawPay API 5xx',
      'LawPay API 429',
      'worker SIGKILLed',
      'ingress killed and restarted',
      'Temporal dev server restarted',
      'PostgreSQL restarted',
      'network to Temporal cut',
    ]) {
      expect(kinds.get(kind) ?? 0).toBeGreaterThan(0);
    }
    expect(report.kills.length).toBeGreaterThanOrEqual(5);
    expect(report.kills.filter((k) => k.duringMoneyActivity).length * 2).toBeGreaterThanOrEqual(report.kills.length);
  });

  it('recovered from every kill', () => {
    expect(report.kills.filter((k) => k.recoveryLagMs === null).map((k) => k.role)).toEqual([]);
  });

  it('kept every invariant: nothing lost, nothing doubled, nobody reminded after paying or closing', () => {
    expect(
      report.invariants
        .filter((i) => i.violations > 0)
        .map((i) => `${i.name}: ${i.violations} (${i.examples.join('; ')})`),
    ).toEqual([]);
    expect(report.unplannedExits).toEqual([]);
  });
});
