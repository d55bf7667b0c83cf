/**
 * Abuse benchmark (issue 10): the whole stack on free ports, real invoices made through the pipeline, then real
 * payments at a steady rate (the LawPay-style sandbox delivers their webhooks, and retries a refused one, as a
 * processor does) twice: alone, and beside a flood of forged LawPay webhooks. Prints
 *   - the real payments' reconciliation lag (paid at the processor → applied in the ledger) p50/p99, without and
 *     with the flood, and how many were applied;
 *   - how the forged requests were answered (429 rate limit, 503 full vendor queue / shed, 401 refused);
 *   - the ingress's LawPay queue peak and refusals, and the LawPay API calls the flood cost.
 * Run: npm run bench:abuse [-- --forged 2000 --seconds 10 --rate 2]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../worker/config';
import { createLogger } from '../worker/logger';
import { startStack } from '../worker/stack';
import { freePort } from '../test/support/ports';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const FORGED = arg('forged', 2_000);
const SECONDS = arg('seconds', 10);
const REAL_PER_SECOND = arg('rate', 2);
const REAL_PER_PHASE = Math.round(SECONDS * REAL_PER_SECOND);

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-abuse-'));
  fs.chmodSync(dataDir, 0o755);
  const ports = {
    temporal: await freePort(),
    ui: await freePort(),
    pg: await freePort(),
    ingress: await freePort(),
    clio: await freePort(),
    lawpay: await freePort(),
  };
  const config = loadConfig(
    {
      MATTERPAY_DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      EMBEDDED_POSTGRES_PORT: String(ports.pg),
      INGRESS_PORT: String(ports.ingress),
      SANDBOX_CLIO_PORT: String(ports.clio),
      SANDBOX_LAWPAY_PORT: String(ports.lawpay),
      BILLING_DEBOUNCE: '1s',
      FIRM_ID: 'abuse-firm',
      // A webhook refused during the flood (429/503) is retried by the sender; one that runs out of retries is found
      // by the sweep, as in production (default 10m; shorter here so the bench ends).
      SWEEP_INTERVAL: '15s',
      SANDBOX_WEBHOOK_RETRY_BASE: '1s',
      // The defaults, spelled out: 600 webhooks a minute per route and firm; LawPay 150/min for the ingress, 450 for the worker.
      WEBHOOK_RATE_LIMIT: '600/1m',
      LAWPAY_INGRESS_REQUESTS_PER_MINUTE: '150',
      LAWPAY_WORKER_REQUESTS_PER_MINUTE: '450',
    },
    { dotenvPath: '/nonexistent' },
  );
  const stack = await startStack(config, createLogger('error'), { worker: true, ingress: true, embedded: true });
  const clio = stack.clioSandboxUrl!;
  const lawpay = stack.lawPaySandboxUrl!;
  const ingress = stack.ingressUrl!;
  const post = async (url: string, body: unknown) => {
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${await r.text()}`);
    return r.json() as Promise<Record<string, unknown>>;
  };
  const pg = await import('pg');
  const db = new pg.default.Pool({ connectionString: stack.databaseUrl, max: 4 });
  try {
    await post(`${clio}/__sandbox/faults`, { rate_limit_per_minute: 1_000_000 });
    await post(`${lawpay}/__sandbox/faults`, { rate_limit_per_minute: 1_000_000 });

    const invoiceCount = REAL_PER_PHASE * 2;
    process.stdout.write(`making ${invoiceCount} invoices through the pipeline…\n`);
    for (let i = 0; i < invoiceCount; i++) {
      const matter = await post(`${clio}/__sandbox/matters`, {
        description: `Abuse ${i}`,
        client: { name: `Client ${i}`, email: `c${i}@abuse.test` },
        billing_method: 'hourly',
      });
      await post(`${clio}/__sandbox/activities`, { matter_id: matter.id, hours: 3, rate_cents: 20_000, note: 'work' });
    }
    const since = Date.now();
    for (;;) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM invoices WHERE status = 'issued' AND delivery = 'sent'`,
      );
      if (rows[0].n >= invoiceCount) break;
      if (Date.now() - since > 600_000)
        throw new Error(`only ${rows[0].n} of ${invoiceCount} invoices issued after 10 minutes`);
      await sleep(250);
    }
    const invoices = (await db.query(`SELECT invoice_number, total_cents FROM invoices ORDER BY invoice_number`))
      .rows as Array<{ invoice_number: string; total_cents: number }>;

    /** Real payments at REAL_PER_SECOND; the sandbox sends (and retries) their webhooks. Lag = paid → applied. */
    const payAtSteadyRate = async (batch: typeof invoices) => {
      const paidAt = new Map<string, number>();
      const start = Date.now();
      await Promise.all(
        batch.map(async (inv, i) => {
          await sleep(start + (i * 1000) / REAL_PER_SECOND - Date.now());
          const at = Date.now();
          const paid = await post(`${lawpay}/__sandbox/pay`, {
            amount_cents: Number(inv.total_cents),
            reference: inv.invoice_number,
          });
          paidAt.set(String(paid.transaction_id), at);
        }),
      );
      return paidAt;
    };

    process.stdout.write(`phase 1: ${REAL_PER_PHASE} real payments over ${SECONDS} s, no flood…\n`);
    const applied = watchApplied(db);
    const callsBeforeQuiet = await lawPayCalls(lawpay);
    const quiet = await payAtSteadyRate(invoices.slice(0, REAL_PER_PHASE));
    const quietLags = await applied.lags(quiet);
    const quietCalls = (await lawPayCalls(lawpay)) - callsBeforeQuiet;

    process.stdout.write(
      `phase 2: ${REAL_PER_PHASE} real payments over ${SECONDS} s beside ${FORGED} forged LawPay webhooks…\n`,
    );
    const answers = new Map<number, number>();
    const callsBeforeFlood = await lawPayCalls(lawpay);
    const flood = (async () => {
      const start = Date.now();
      const inFlight: Array<Promise<void>> = [];
      for (let i = 0; i < FORGED; i++) {
        await sleep(start + (i * SECONDS * 1000) / FORGED - Date.now());
        inFlight.push(
          (async () => {
            const forged = {
              id: `evt_forged_${i}`,
              type: 'transaction.completed',
              data: { id: `txn_forged_${i}`, status: 'COMPLETED', amount: 100_000 },
            };
            const status = await fetch(`${ingress}/webhooks/lawpay`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(forged),
            }).then(
              (r) => r.status,
              () => 0,
            );
            answers.set(status, (answers.get(status) ?? 0) + 1);
          })(),
        );
      }
      await Promise.all(inFlight);
    })();
    const [flooded] = await Promise.all([payAtSteadyRate(invoices.slice(REAL_PER_PHASE)), flood]);
    const floodedLags = await applied.lags(flooded);
    await applied.stop();
    const floodCalls = (await lawPayCalls(lawpay)) - callsBeforeFlood - quietCalls;
    const metrics = await (await fetch(`${ingress}/metrics`)).text();
    const gauge = (name: string) =>
      Number(new RegExp(`^${name}\\{[^}]*vendor="lawpay"[^}]*\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? NaN);

    const webhookOutcomes = [
      ...metrics.matchAll(/^matterpay_webhooks_total\{source="lawpay",outcome="([^"]+)"\} (\d+)/gm),
    ]
      .map((m) => `${m[1]}×${m[2]}`)
      .join('  ');
    const appliedCount = (await db.query(`SELECT count(*)::int AS n FROM processed_payments WHERE state = 'applied'`))
      .rows[0].n;
    const forgedRows = (
      await db.query(`SELECT count(*)::int AS n FROM processed_events WHERE event_id LIKE '%forged%'`)
    ).rows[0].n;
    const pct = (lags: number[], q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]!;
    const describe = (label: string, lags: number[]) =>
      `  ${label}: p50 ${pct(lags, 0.5)} ms   p99 ${pct(lags, 0.99)} ms   max ${lags[lags.length - 1]} ms   (n=${lags.length})`;
    const answered = [...answers]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status === 0 ? 'no answer' : status}×${n}`)
      .join('  ');
    process.stdout.write(
      [
        '',
        `machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
        `real payments' reconciliation lag (paid at the processor → applied in the ledger), ${REAL_PER_SECOND}/s:`,
        describe('without the flood', quietLags),
        describe(`with ${FORGED} forged webhooks in ${SECONDS} s`, floodedLags),
        `real payments applied: ${appliedCount} of ${invoiceCount}`,
        `forged webhooks answered: ${answered}  (429 = rate limit per route and firm, 503 = LawPay queue full or shed, 401 = no such transaction)`,
        `forged events recorded in processed_events: ${forgedRows}`,
        `ingress LawPay webhook outcomes, real and forged (429s never reach a handler): ${webhookOutcomes}`,
        `ingress LawPay queue: peak ${gauge('matterpay_ingress_vendor_queue_peak')} waiting (bound ${config.INGRESS_VENDOR_QUEUE_LIMIT}), ${gauge('matterpay_ingress_vendor_queue_rejected')} calls refused`,
        `LawPay API calls the flood cost: ${floodCalls} (ingress budget ${config.LAWPAY_INGRESS_REQUESTS_PER_MINUTE}/min; the same real payments alone cost ${quietCalls})`,
        '',
      ].join('\n'),
    );
    if (appliedCount !== invoiceCount || forgedRows !== 0) process.exitCode = 1;
  } finally {
    await db.end();
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function lawPayCalls(lawpay: string): Promise<number> {
  const state = (await (await fetch(`${lawpay}/__sandbox/state`)).json()) as { request_counts: Record<string, number> };
  return Object.entries(state.request_counts)
    .filter(([route]) => route.includes('/v1/'))
    .reduce((s, [, n]) => s + n, 0);
}

/** Polls the ledger every 50 ms from the start, so each payment's lag is measured when it is applied. */
function watchApplied(db: import('pg').Pool) {
  const appliedAt = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await db.query(`SELECT transaction_id FROM processed_payments WHERE state = 'applied'`);
      const now = Date.now();
      for (const row of rows) if (!appliedAt.has(row.transaction_id)) appliedAt.set(row.transaction_id, now);
      await sleep(50);
    }
  })();
  return {
    async lags(paidAt: Map<string, number>): Promise<number[]> {
      const deadline = Date.now() + 300_000;
      const txns = [...paidAt.keys()];
      while (txns.some((t) => !appliedAt.has(t))) {
        if (Date.now() > deadline)
          throw new Error(
            `only ${txns.filter((t) => appliedAt.has(t)).length} of ${txns.length} payments applied after 5 minutes`,
          );
        await sleep(50);
      }
      return txns.map((t) => appliedAt.get(t)! - paidAt.get(t)!).sort((a, b) => a - b);
    },
    stop() {
      running = false;
      return loop;
    },
  };
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
