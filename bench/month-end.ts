/**
 * Month-end billing run (issue 14, item 1): --matters matters with approved time and today as their billing day,
 * billed by one billing run (the daily schedule's workflow, as `matterpay bill --due` starts it) against the
 * Clio-style sandbox pinned at `rate_limit_per_minute: 600` with its standard 60-second window, so the ratio tests
 * the limiter rather than a generous limit. Prints API calls made, the rate-limit floor (calls ÷ limit), wall time,
 * wall ÷ floor, 429s received, invoices issued (and whether every matter was billed exactly once), and Clio calls per
 * invoice cycle (read matter, entries and trust; draft, draw, issue, deliver and write back) by route.
 *
 *   npm run bench:month-end -- --matters 2000
 *
 * Done = every matter has its invoice issued and delivered, and the write-back queue is empty (every note posted).
 */
import { localDate } from '../domain/dates';
import { workflowIds } from '../shared/workflowIds';
import { workflowRef } from '../shared/workflowTypes';
import { billingPolicy } from '../worker/policy';
import { clioCounters, control, countersSince, matterNotes } from './support/clioSandbox';
import { BENCH_FIRM as FIRM, runBench, startBenchStack } from './support/stack';
import { numberOption } from './support/timing';

const RATE_LIMIT_PER_MINUTE = 600;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const matters = numberOption(process.argv.slice(2), 'matters', 2_000);
  const bench = await startBenchStack({ worker: true, ingress: true });
  const { config, db, client } = bench;
  const clio = bench.stack.clioSandboxUrl!;
  try {
    // The month-end run alone bills: approved-time webhooks during seeding would start billing early.
    await control(clio, '/__sandbox/faults', { rate_limit_per_minute: RATE_LIMIT_PER_MINUTE, webhook_drop_rate: 1 });
    const billingDay = Number(localDate(Date.now(), config.FIRM_TIMEZONE).slice(8, 10));
    if (billingDay > 28)
      throw new Error(
        `today is the ${billingDay}th in ${config.FIRM_TIMEZONE}: the sandbox takes billing days 1–28; run it tomorrow`,
      );
    process.stdout.write(`seeding ${matters} matters with approved time, billing day ${billingDay}…\n`);
    for (let i = 0; i < matters; i += 1) {
      const matter = await control<{ id: number }>(clio, '/__sandbox/matters', {
        description: `Month-end ${i}`,
        client: { name: `Client ${i}`, email: `client${i}@bench.test` },
        billing_method: 'hourly',
        billing_day: billingDay,
        trust_balance_cents: i % 3 === 0 ? 40_000 : 0,
      });
      await control(clio, '/__sandbox/activities', {
        matter_id: matter.id,
        hours: 2 + (i % 5),
        rate_cents: 25_000,
        note: 'Month-end work',
      });
    }

    const before = await clioCounters(clio);
    const startedAt = Date.now();
    const run = await client.workflow.start(workflowRef('billingRun'), {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: workflowIds.manualBillingRun(FIRM, new Date(startedAt)),
      args: [{ firmId: FIRM, policy: billingPolicy(config) }],
    });
    let lastReport = 0;
    for (;;) {
      const { rows } = await db.query(
        `SELECT (SELECT count(*)::int FROM invoices WHERE firm_id = $1 AND status <> 'draft' AND delivery IN ('sent', 'not_needed')) AS done,
                (SELECT count(*)::int FROM invoices WHERE firm_id = $1) AS invoices,
                (SELECT count(*)::int FROM practice_writebacks WHERE firm_id = $1 AND state = 'pending') AS pending`,
        [FIRM],
      );
      const { done, invoices, pending } = rows[0] as { done: number; invoices: number; pending: number };
      if (done >= matters && pending === 0) break;
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        process.stdout.write(
          `  ${((Date.now() - startedAt) / 1000).toFixed(0)} s: ${invoices} invoices, ${done} issued and delivered, ${pending} write-backs pending\n`,
        );
      }
      if (Date.now() - startedAt > 3 * 3_600_000) throw new Error('not done after 3 hours');
      await sleep(500);
    }
    const wallMs = Date.now() - startedAt;
    const result = (await run.result()) as { scanned: number; due: string[]; started: string[] };
    const calls = countersSince(before, await clioCounters(clio));
    const made = calls.served + calls.rejected;
    const floorMs = (calls.served / RATE_LIMIT_PER_MINUTE) * 60_000;
    const billed = (
      await db.query(
        `SELECT count(*)::int AS invoices, count(DISTINCT matter_id)::int AS matters FROM invoices WHERE firm_id = $1`,
        [FIRM],
      )
    ).rows[0] as { invoices: number; matters: number };

    console.log(
      `\nmonth-end run: ${matters} matters, Clio sandbox at rate_limit_per_minute ${RATE_LIMIT_PER_MINUTE} (60-second window)`,
    );
    console.log(
      `  billing run scanned ${result.scanned} matters, ${result.due.length} due, ${result.started.length} started`,
    );
    console.log(
      `  API calls made           ${made} (${calls.served} served, ${calls.rejected} answered 429 = ${((calls.rejected / Math.max(1, made)) * 100).toFixed(2)}%)`,
    );
    console.log(
      `  rate-limit floor         ${(floorMs / 1000).toFixed(1)} s (${calls.served} calls ÷ ${RATE_LIMIT_PER_MINUTE}/min)`,
    );
    console.log(`  wall                     ${(wallMs / 1000).toFixed(1)} s`);
    console.log(`  wall ÷ floor             ${(wallMs / floorMs).toFixed(2)}`);
    // A fixed window lets a full budget through at the start of each window: N windows' calls need only N - 1 minutes.
    const fixedWindowMinMs = (Math.ceil(calls.served / RATE_LIMIT_PER_MINUTE) - 1) * 60_000;
    if (fixedWindowMinMs > 0) {
      console.log(
        `  fixed-window minimum     ${(fixedWindowMinMs / 1000).toFixed(1)} s (the budget renews at each window's start); wall ÷ that ${(wallMs / fixedWindowMinMs).toFixed(2)}`,
      );
    }
    console.log(
      `  invoices issued          ${billed.invoices} for ${billed.matters} matters (${billed.invoices === matters && billed.matters === matters ? 'every matter billed once' : 'NOT one invoice per matter'})`,
    );
    console.log(`  Clio calls per invoice   ${(made / Math.max(1, billed.invoices)).toFixed(2)}`);
    const notes = await matterNotes(clio);
    const split = [...notes.values()].filter((subjects) => subjects.length > 1);
    console.log(
      `  notes on the matters     ${[...notes.values()].reduce((sum, s) => sum + s.length, 0)} (${split.length} matters with more than one${split[0] ? `, e.g. ${JSON.stringify(split[0])}` : ''})`,
    );
    for (const [route, n] of Object.entries(calls.byRoute).sort(([, a], [, b]) => b - a)) {
      console.log(
        `    ${route.padEnd(44)} ${String(n).padStart(6)}  (${(n / Math.max(1, billed.invoices)).toFixed(2)} per invoice)`,
      );
    }
  } finally {
    await bench.stop();
  }
}

runBench(main);
