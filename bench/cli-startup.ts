/**
 * The command line's start-up (issue 14, item 5): `matterpay invoices --json` (PostgreSQL only) and
 * `matterpay invoice <number> --json` (PostgreSQL and a Temporal query), each run --runs times (default 5) in its
 * own process under /usr/bin/time -v. Prints the median wall, CPU and peak RSS, beside `node -e 0`.
 *
 *   npm run bench:cli-startup -- --invoices 500 --runs 5 [--bin /other/checkout/bin/matterpay.js]
 *
 * Its own embedded PostgreSQL (migrated, seeded with --invoices issued invoices) and in-memory Temporal dev server,
 * on free ports; --bin measures another checkout's command line against the same data (before/after).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../store/embedded';
import { migrate } from '../store/migrate';
import { startTemporalDevServerOnFreePorts } from '../worker/engine/temporal-dev-server';
import { freePort } from '../test/support/ports';
import { runBench } from './support/stack';
import { median, numberOption, stringOption, timeProcess, type ProcessCost } from './support/timing';

const FIRM = 'bench-firm';

async function seed(url: string, count: number): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await pool.query('DELETE FROM invoices WHERE firm_id = $1', [FIRM]);
    await pool.query(
      `INSERT INTO invoices (firm_id, invoice_number, matter_id, matter_display_number, sequence, kind, period, status, total_cents, issued_at)
       SELECT $1, lpad(g::text, 5, '0') || '-Bench-1', g::text, lpad(g::text, 5, '0') || '-Bench', 1, 'hourly', '2026-11', 'issued', 10000 + g * 7, now() - (g % 60) * interval '1 day'
       FROM generate_series(1, $2::int) AS g`,
      [FIRM, count],
    );
  } finally {
    await pool.end();
  }
}

function summarize(label: string, runs: ProcessCost[]): string {
  const failed = runs.filter((r) => r.exitCode !== 0).length;
  return (
    `${label.padEnd(44)} wall ${String(median(runs.map((r) => r.wallMs))).padStart(5)} ms   CPU ${String(median(runs.map((r) => r.cpuMs))).padStart(5)} ms   max RSS ${String(median(runs.map((r) => r.maxRssMiB))).padStart(4)} MiB` +
    `   (median of ${runs.length}; all walls ${runs.map((r) => r.wallMs).join(', ')})${failed ? `   ${failed} FAILED` : ''}`
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runs = numberOption(argv, 'runs', 5);
  const invoices = numberOption(argv, 'invoices', 500);
  const bin = path.resolve(stringOption(argv, 'bin') ?? path.join(__dirname, '..', 'bin', 'matterpay.js'));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-cli-bench-'));
  fs.chmodSync(workDir, 0o755); // PostgreSQL runs as its own user when we are root
  const postgres = await startEmbeddedPostgres({ dir: path.join(workDir, 'pg'), port: await freePort() });
  const temporal = await startTemporalDevServerOnFreePorts({ namespace: 'default' }, freePort);
  try {
    await migrate(postgres.url);
    await seed(postgres.url, invoices);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: postgres.url,
      TEMPORAL_ADDRESS: temporal.address,
      FIRM_ID: FIRM,
      LOG_LEVEL: 'silent',
      TEMPORAL_PAYLOAD_ENCRYPTION: 'false',
      PUBLIC_BASE_URL: 'http://127.0.0.1:8787',
    };
    const measure = (args: string[]) => {
      timeProcess(process.execPath, args, { cwd: workDir, env }); // warm-up: the page cache, and dist/ when stale
      return Array.from({ length: runs }, () => timeProcess(process.execPath, args, { cwd: workDir, env }));
    };
    console.log(
      `CLI start-up: ${bin} (${invoices} issued invoices; ${os.cpus().length} cores, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
    console.log(summarize('node -e 0', measure(['-e', '0'])));
    console.log(summarize('matterpay invoices --json', measure([bin, 'invoices', '--json'])));
    console.log(
      summarize(
        'matterpay invoice 00001-Bench-1 --json (Temporal)',
        measure([bin, 'invoice', '00001-Bench-1', '--json']),
      ),
    );
    console.log(summarize('matterpay --help', measure([bin, '--help'])));
  } finally {
    await temporal.stop();
    await postgres.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

runBench(main);
