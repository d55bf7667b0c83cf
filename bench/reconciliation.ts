/**
 * Reconciliation benchmark: the whole stack (Temporal dev server, embedded PostgreSQL, sandboxes, worker, ingress)
 * on free ports with a throw-away data dir. Prints
 *   - reconciliation lag (webhook sent → payment note on the matter) p50/p95/p99 at a steady webhook rate;
 *   - webhooks accepted per second by the ingress under concurrent load;
 *   - Clio API calls per invoice (drafted, issued, emailed and paid).
 * Run: node bin/run-ts.js bench/reconciliation.ts [--invoices 200] [--rate 10]
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
const INVOICES = arg('invoices', 200);
const RATE_PER_SECOND = arg('rate', 10);
const CONCURRENCY = arg('concurrency', 16);

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-bench-'));
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
      LOG_LEVEL: 'warn',
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      EMBEDDED_POSTGRES_PORT: String(ports.pg),
      INGRESS_PORT: String(ports.ingress),
      SANDBOX_CLIO_PORT: String(ports.clio),
      SANDBOX_LAWPAY_PORT: String(ports.lawpay),
      BILLING_DEBOUNCE: '1s',
      SWEEP_INTERVAL: '1h',
      FIRM_ID: 'bench-firm',
    },
    { dotenvPath: '/nonexistent' },
  );
  const stack = await startStack(config, createLogger('warn'), { worker: true, ingress: true, embedded: true });
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
    await post(`${lawpay}/__sandbox/faults`, { webhook_drop_rate: 1 }); // the benchmark delivers the webhooks itself

    // 1. Invoices through the real pipeline: approved time → webhook → matterBilling → invoice → issued.
    process.stdout.write(`creating ${INVOICES} matters with approved time and waiting for their invoices…\n`);
    const clioCallsBefore = await clioRequestCount(clio);
    for (let i = 0; i < INVOICES; i++) {
      const matter = await post(`${clio}/__sandbox/matters`, {
        description: `Bench ${i}`,
        client: { name: `Client ${i}`, email: `c${i}@bench.test` },
        billing_method: 'hourly',
      });
      await post(`${clio}/__sandbox/activities`, { matter_id: matter.id, hours: 3, rate_cents: 20_000, note: 'work' });
    }
    const issuedAt = Date.now();
    for (;;) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM invoices WHERE status = 'issued' AND delivery = 'sent'`,
      );
      if (rows[0].n >= INVOICES) break;
      if (Date.now() - issuedAt > 600_000)
        throw new Error(`only ${rows[0].n} of ${INVOICES} invoices issued after 10 minutes`);
      await sleep(250);
    }
    const invoices = (
      await db.query(`SELECT invoice_number, matter_id, total_cents FROM invoices ORDER BY invoice_number`)
    ).rows as Array<{ invoice_number: string; matter_id: string; total_cents: number }>;
    const clioCallsToIssue = (await clioRequestCount(clio)) - clioCallsBefore;

    // 2. Payments at the processor, their webhooks held back.
    const payments: Array<{ invoice: string; txn: string; body: unknown }> = [];
    for (const inv of invoices) {
      const paid = await post(`${lawpay}/__sandbox/pay`, {
        amount_cents: Number(inv.total_cents),
        reference: inv.invoice_number,
      });
      payments.push({ invoice: inv.invoice_number, txn: String(paid.transaction_id), body: null });
    }
    const events = await allEvents(lawpay);
    for (const p of payments) p.body = events.get(p.txn);

    // 3. Steady rate: one webhook every 1/RATE seconds; lag = sent → note recorded on the matter.
    const half = Math.floor(payments.length / 2);
    const steady = payments.slice(0, half);
    process.stdout.write(`posting ${steady.length} webhooks at ${RATE_PER_SECOND}/s…\n`);
    const sentAt = new Map<string, number>();
    const clioCallsBeforePay = await clioRequestCount(clio);
    const start = Date.now();
    await Promise.all(
      steady.map(async (p, i) => {
        await sleep(start + (i * 1000) / RATE_PER_SECOND - Date.now());
        sentAt.set(p.txn, Date.now());
        await post(`${ingress}/webhooks/lawpay`, p.body);
      }),
    );
    const lags = await waitForNotes(
      db,
      steady.map((p) => p.txn),
      sentAt,
    );
    const clioCallsToPay = (await clioRequestCount(clio)) - clioCallsBeforePay;

    // 4. Throughput: the other half as fast as the ingress accepts them.
    const burst = payments.slice(half);
    process.stdout.write(`posting ${burst.length} webhooks with ${CONCURRENCY} concurrent senders…\n`);
    const burstStart = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < burst.length) await post(`${ingress}/webhooks/lawpay`, burst[next++]!.body);
      }),
    );
    const acceptedPerSecond = burst.length / ((Date.now() - burstStart) / 1000);
    await waitForNotes(
      db,
      burst.map((p) => p.txn),
      new Map(burst.map((p) => [p.txn, burstStart])),
    );
    const applied = (
      await db.query(
        `SELECT count(*)::int AS n, sum(amount_cents)::bigint AS cents FROM processed_payments WHERE state = 'applied'`,
      )
    ).rows[0];
    const expectedCents = invoices.reduce((s, i) => s + Number(i.total_cents), 0);

    const pct = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]!;
    process.stdout.write(
      [
        '',
        `machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
        `invoices issued through the pipeline: ${invoices.length}`,
        `reconciliation lag at ${RATE_PER_SECOND} webhooks/s (webhook sent → note on the matter), n=${lags.length}:`,
        `  p50 ${pct(0.5)} ms   p95 ${pct(0.95)} ms   p99 ${pct(0.99)} ms   max ${lags[lags.length - 1]} ms`,
        `ingress: ${acceptedPerSecond.toFixed(1)} webhooks accepted/s (${CONCURRENCY} concurrent senders, each verified by re-fetching from LawPay)`,
        `payments applied: ${applied.n} of ${payments.length}; amount applied ${applied.cents} cents (expected ${expectedCents})`,
        `Clio API calls per invoice: ${(clioCallsToIssue / invoices.length).toFixed(1)} to draft, issue and email; ${(clioCallsToPay / steady.length).toFixed(1)} to record a payment`,
        '',
      ].join('\n'),
    );
    if (Number(applied.n) !== payments.length || Number(applied.cents) !== expectedCents) process.exitCode = 1;
  } finally {
    await db.end();
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function clioRequestCount(clio: string): Promise<number> {
  const state = (await (await fetch(`${clio}/__sandbox/state`)).json()) as { request_counts: Record<string, number> };
  return Object.entries(state.request_counts)
    .filter(([route]) => route.includes('/api/v4'))
    .reduce((s, [, n]) => s + n, 0);
}

async function allEvents(lawpay: string): Promise<Map<string, unknown>> {
  const events = new Map<string, unknown>();
  for (let page = 1; ; page++) {
    const r = await fetch(`${lawpay}/v1/events?page=${page}&page_size=200`, {
      headers: { authorization: `Basic ${Buffer.from('sandbox_secret_key:').toString('base64')}` },
    });
    const body = (await r.json()) as { results: Array<{ data: { id: string } }>; total_entries: number };
    for (const e of body.results) events.set(e.data.id, e);
    if (page * 200 >= body.total_entries) return events;
  }
}

async function waitForNotes(db: import('pg').Pool, txns: string[], sentAt: Map<string, number>): Promise<number[]> {
  const keys = txns.map((t) => `payment/lawpay/${t}/charge`);
  const deadline = Date.now() + 300_000;
  for (;;) {
    const { rows } = await db.query(
      `SELECT idempotency_key, written_at FROM practice_writes WHERE idempotency_key = ANY($1)`,
      [keys],
    );
    if (rows.length === keys.length) {
      return rows
        .map((r) => (r.written_at as Date).getTime() - sentAt.get(String(r.idempotency_key).split('/')[2]!)!)
        .sort((a, b) => a - b);
    }
    if (Date.now() > deadline) throw new Error(`only ${rows.length} of ${keys.length} payments noted after 5 minutes`);
    await sleep(50);
  }
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
