/**
 * 10,000 open invoices (issue 14, item 4): N issued invoices, each with its invoice workflow open in dunning (some
 * still before their reminders, some past the schedule and waking once a day, a third escalated), served by one
 * `matterpay worker` process. Prints
 *   - the time to start them (starts accepted by Temporal; every workflow at rest, its pay link made);
 *   - the worker's RSS at rest (and its peak), and its CPU per workflow task while they started;
 *   - the daily wake-ups: workflow tasks per day for this book of invoices;
 *   - the latency of the Web UI's filters (`Escalated = true`, `AmountDueCents > 40000`) through the visibility API.
 *
 *   npm run bench:open-invoices -- --invoices 10000 [--concurrency 32] [--cache 250] [--rest-seconds 180] [--worker-env NAME=value] [--bare]
 *
 * The invoices are seeded as issued in the store and their workflows started as a continued run is (`resume`), so
 * the bench measures open workflows rather than the month-end run (bench:month-end) that issues them. --cache sets
 * the worker's TEMPORAL_MAX_CACHED_WORKFLOWS (default: matterpay's own default). Temporal is the embedded dev server
 * with its SQLite file, as `npm start` runs it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type pg from 'pg';
import { temporal } from '@temporalio/proto';
import { dunningSteps } from '../domain/reminders';
import { FIRM_ID } from '../shared/searchAttributes';
import { workflowIds } from '../shared/workflowIds';
import { workflowRef } from '../shared/workflowTypes';
import { billingPolicy } from '../worker/policy';
import { sampleProcess, rssBreakdown } from './support/processStats';
import { BENCH_FIRM as FIRM, runBench, startBenchStack } from './support/stack';
import { median, numberOption, stringOption } from './support/timing';
import { benchWorkerEnv } from './support/deployedEnv';

const DAY_MS = 86_400_000;
const SECRET_KEY = Buffer.alloc(32, 11).toString('base64');

interface SeededInvoice {
  number: string;
  issuedAtMs: number;
  escalated: boolean;
  amountDueCents: number;
}

/** Issued invoices aged 0–59 days, so some are before each reminder, some past the schedule, a third escalated. */
function seededInvoices(count: number, nowMs: number): SeededInvoice[] {
  return Array.from({ length: count }, (_, i) => {
    const ageDays = i % 60;
    return {
      number: `${String(i + 1).padStart(5, '0')}-Open-1`,
      issuedAtMs: nowMs - ageDays * DAY_MS - 3_600_000,
      escalated: ageDays >= 30,
      amountDueCents: 10_000 + ((i * 7_919) % 70_000),
    };
  });
}

async function seed(db: pg.Pool, invoices: SeededInvoice[]): Promise<void> {
  for (let start = 0; start < invoices.length; start += 1_000) {
    const batch = invoices.slice(start, start + 1_000);
    await db.query(
      `INSERT INTO invoices (firm_id, invoice_number, matter_id, matter_display_number, sequence, kind, period, status, total_cents, delivery, issued_at, due_at, escalated_at)
       SELECT $1, n, 'm-' || n, split_part(n, '-', 1) || '-Open', 1, 'hourly', '2026-11', 'issued', c, 'sent', to_timestamp(t / 1000.0),
              to_timestamp(t / 1000.0) + interval '30 days', CASE WHEN e THEN to_timestamp(t / 1000.0) + interval '30 days' END
       FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::boolean[]) AS s(n, c, t, e)`,
      [
        FIRM,
        batch.map((i) => i.number),
        batch.map((i) => i.amountDueCents),
        batch.map((i) => i.issuedAtMs),
        batch.map((i) => i.escalated),
      ],
    );
  }
}

/** Timer fires in the next 24 hours: a reminder or escalation due, or the once-a-day wake-up after the schedule. */
function wakeUpsPerDay(
  invoices: SeededInvoice[],
  scheduleMs: number[],
  nowMs: number,
): { dunning: number; daily: number } {
  let dunning = 0;
  let daily = 0;
  for (const invoice of invoices) {
    const steps = dunningSteps(invoice.issuedAtMs, scheduleMs);
    const last = steps[steps.length - 1]!.atMs;
    if (last <= nowMs) daily += 1;
    else dunning += steps.filter((s) => s.atMs > nowMs && s.atMs <= nowMs + DAY_MS).length;
  }
  return { dunning, daily };
}

async function inPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const count = numberOption(argv, 'invoices', 10_000);
  const concurrency = numberOption(argv, 'concurrency', 32);
  const cache = stringOption(argv, 'cache');
  const restSeconds = Math.max(75, numberOption(argv, 'rest-seconds', 180));
  // `--worker-env NAME=value` (repeatable): an extra variable for the worker process only, such as MALLOC_ARENA_MAX=2.
  // The worker runs with the image's process settings (Dockerfile) unless `--bare`; `--worker-env` adds to them.
  const workerEnv = benchWorkerEnv(argv);

  // The worker is a process of its own (its RSS is the figure); it shares the stack's secret key and data dir.
  const bench = await startBenchStack({ worker: false, ingress: false }, { MATTERPAY_SECRET_KEYS: SECRET_KEY });
  const { config, db, client, env, stack } = bench;
  const worker = spawn(process.execPath, [path.join(__dirname, '..', 'bin', 'matterpay.js'), 'worker'], {
    env: {
      ...process.env,
      ...env,
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      CLIO_CLIENT_ID: 'sandbox-client-id',
      CLIO_CLIENT_SECRET: 'sandbox-client-secret',
      CLIO_BASE_URL: stack.clioSandboxUrl!,
      LAWPAY_API_URL: stack.lawPaySandboxUrl!,
      LAWPAY_SECRET_KEY: 'sandbox_secret_key',
      LAWPAY_PAYMENT_PAGE_URL: `${stack.lawPaySandboxUrl}/pages/operating`,
      ...(cache ? { TEMPORAL_MAX_CACHED_WORKFLOWS: cache } : {}),
      ...workerEnv,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    const nowMs = Date.now();
    const invoices = seededInvoices(count, nowMs);
    await seed(db, invoices);
    await sleep(5_000); // the worker process starts (and bundles its workflows) before the clock runs
    const idle = sampleProcess(worker.pid!);
    console.log(
      `open invoices: ${count}, worker cache ${cache ?? 'default'}${Object.keys(workerEnv).length ? `, worker env ${JSON.stringify(workerEnv)}` : ''}; worker pid ${worker.pid} before the starts: RSS ${idle.rssMiB} MiB`,
    );

    const startedAt = Date.now();
    const policy = billingPolicy(config);
    await inPool(invoices, concurrency, async (invoice) => {
      await client.workflow.start(workflowRef('invoice'), {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: workflowIds.invoice(FIRM, invoice.number),
        args: [
          {
            firmId: FIRM,
            invoiceNumber: invoice.number,
            policy,
            resume: { seenPayments: [], escalated: invoice.escalated, payLinkUrl: null },
          },
        ],
        typedSearchAttributes: [{ key: FIRM_ID, value: FIRM }],
      });
    });
    const acceptedMs = Date.now() - startedAt;
    console.log(
      `starts accepted: ${count} in ${(acceptedMs / 1000).toFixed(1)} s (${(count / (acceptedMs / 1000)).toFixed(0)}/s)`,
    );
    let mostAtRestMs: number | null = null;
    for (;;) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM pay_links WHERE firm_id = $1`, [FIRM]);
      if (mostAtRestMs === null && rows[0].n >= Math.ceil(count * 0.99)) mostAtRestMs = Date.now() - startedAt;
      if (rows[0].n >= count) break;
      await sleep(1_000);
    }
    const restMs = Date.now() - startedAt;
    const atRest = sampleProcess(worker.pid!);
    // A straggler is an activity whose first attempt never answered: it runs again after its start-to-close timeout.
    console.log(
      `at rest (pay link made, waiting on their timers): 99% in ${((mostAtRestMs ?? restMs) / 1000).toFixed(1)} s` +
        ` (${(count / ((mostAtRestMs ?? restMs) / 1000)).toFixed(1)} invoices/s), all in ${(restMs / 1000).toFixed(1)} s`,
    );

    // Workflow tasks each invoice took to come to rest, from a sample of histories.
    const sample = invoices.filter((_, i) => i % Math.max(1, Math.floor(count / 20)) === 0).slice(0, 20);
    const tasks: number[] = [];
    for (const invoice of sample) {
      const history = await client.workflow.getHandle(workflowIds.invoice(FIRM, invoice.number)).fetchHistory();
      tasks.push(
        (history.events ?? []).filter(
          (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        ).length,
      );
    }
    const tasksPerInvoice = tasks.reduce((a, b) => a + b, 0) / tasks.length;
    const cpuPerTaskMs = (atRest.cpuMs - idle.cpuMs) / (tasksPerInvoice * count);

    // RSS at rest is watched for `--rest-seconds`: the burst's garbage stays in V8's heaps until a major GC, which an
    // idle worker runs a minute or two later (measured: 340 MiB 15 s after, 256 MiB from 90 s on, at 2,000).
    const samples: number[] = [];
    const restWatchMs = restSeconds * 1000;
    const watchStart = Date.now();
    let early: number | null = null;
    while (Date.now() - watchStart < restWatchMs) {
      await sleep(5_000);
      samples.push(sampleProcess(worker.pid!).rssMiB);
      if (early === null && Date.now() - watchStart >= 15_000) early = samples.at(-1)!;
    }
    const rest = sampleProcess(worker.pid!);
    const lastMinute = samples.slice(-12);
    console.log(
      `worker RSS at rest: ${Math.max(...lastMinute)} MiB (the highest of its last minute of ${restSeconds} s at rest;` +
        ` ${early ?? rest.rssMiB} MiB 15 s after, peak ${rest.peakRssMiB} MiB); CPU while they started ${((atRest.cpuMs - idle.cpuMs) / 1000).toFixed(1)} s` +
        ` = ${cpuPerTaskMs.toFixed(2)} ms per workflow task (${tasksPerInvoice.toFixed(1)} tasks per invoice, activities included)`,
    );
    const parts = rssBreakdown(worker.pid!);
    console.log(
      `  made of: ${Object.entries(parts)
        .map(([kind, mib]) => `${kind} ${mib} MiB`)
        .join(', ')}`,
    );

    const wakeUps = wakeUpsPerDay(invoices, policy.reminderScheduleMs, nowMs);
    const perDay = wakeUps.dunning + wakeUps.daily;
    console.log(
      `daily wake-ups: ${perDay} workflow tasks a day (${wakeUps.daily} once-a-day timers past the schedule, ${wakeUps.dunning} reminder/escalation steps due),` +
        ` ${(perDay / 86_400).toFixed(3)}/s, ~${((perDay * cpuPerTaskMs) / 1000).toFixed(1)} s of worker CPU a day`,
    );

    for (const filter of ['Escalated = true', 'AmountDueCents > 40000']) {
      const query = `FirmId = '${FIRM}' AND ${filter}`;
      const countTimes: number[] = [];
      const listTimes: number[] = [];
      let matches = 0;
      for (let run = 0; run < 5; run += 1) {
        let t = Date.now();
        matches = (await client.workflow.count(query)).count;
        countTimes.push(Date.now() - t);
        t = Date.now();
        let page = 0;
        for await (const execution of client.workflow.list({ query, pageSize: 100 })) {
          void execution;
          if (++page >= 100) break; // the Web UI's first page
        }
        listTimes.push(Date.now() - t);
      }
      console.log(
        `visibility \`${filter}\`: ${matches} matches; count p50 ${median(countTimes)} ms, first page of 100 p50 ${median(listTimes)} ms (5 runs: ${listTimes.join(', ')})`,
      );
    }
  } finally {
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
    await bench.stop();
  }
}

runBench(main);
