import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../../test/support/ports';
import {
  awaitInvoices,
  createMatters,
  firstMove,
  planScenarios,
  recordApprovedTime,
  type LaterContext,
  type PlannedMatter,
} from './business';
import { FaultCounts } from './faultCounts';
import { msToNumber } from '@temporalio/common/lib/time';
import { HEARTBEAT_TIMEOUTS } from '../../workflows/policy';
import { activitiesInFlightByWorker, MONEY_ACTIVITY, recoveryLag, type InFlightActivity } from './inFlight';
import { checkInvariants, type InvariantResult } from './invariants';
import { Roles, startRestartablePostgres, startRestartableTemporal, startVendorsProcess } from './processes';
import { seededRandom, type Random } from './random';
import { controlCall, lawPayState, processorEffectCents } from './vendorState';
import { startVendorFaultProxy } from './vendorFaults';
import { startWebhookFaultProxy } from './webhookFaults';

export interface ChaosOptions {
  payments: number;
  seed: number;
  workers: number;
  kills: number;
  /** How long the network to Temporal stays cut. */
  temporalCutMs: number;
  /** REMINDER_SCHEDULE for the run: short, so invoices cross their reminder and escalation days. */
  reminderSchedule: string;
  /** Held-back webhooks are replayed this long after the original. */
  replayAfterMs: [number, number];
  settleTimeoutMs: number;
  /** No faults at all: the same run on a calm day, to tell a fault's effect from the pipeline's. */
  calm?: boolean;
  /** Aborting stops the run and every process it started. */
  signal?: AbortSignal;
  log: (line: string) => void;
}

export interface KillRecord {
  role: string;
  atMs: number;
  inFlight: InFlightActivity[];
  duringMoneyActivity: boolean;
  /** Until Temporal took every activity the dead worker held away from it (the lag a heartbeat timeout bounds). */
  recoveryLagMs: number | null;
  /** Until those activities finished elsewhere, with their retries' backoff and the faults they met meanwhile. */
  finishedMs: number | null;
}

export interface ChaosReport {
  seed: number;
  payments: number;
  invoices: number;
  faults: Array<[string, number]>;
  kills: KillRecord[];
  /** A kill's recovery lag must stay within this. */
  recoveryBoundMs: number;
  restarts: string[];
  unplannedExits: string[];
  invariants: InvariantResult[];
  lagMs: { p50: number; p95: number; p99: number; max: number; n: number };
  wallMs: number;
}

const FIRM_ID = 'chaos-firm';

/**
 * A killed worker's activities are handed on once their heartbeat timeout passes without a beat (15 s for a vendor
 * call, 10 s for a store write; workflows/policy.ts). The bound allows that twice over plus 15 s: the next fault
 * (a Temporal restart, the network cut) may land on top of a kill's recovery.
 */
export const RECOVERY_BOUND_MS =
  2 * Math.max(...Object.values(HEARTBEAT_TIMEOUTS).map((timeout) => msToNumber(timeout))) + 15_000;
const SECRET_KEY = Buffer.alloc(32, 11).toString('base64');

/**
 * One chaos run: the vendors in their own never-killed process; PostgreSQL, the Temporal dev server, the ingress and
 * `workers` matterpay workers as separate processes with production configuration; every fault from one seeded
 * schedule while the business mix runs; then the invariants against the vendors' state.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const startedAt = Date.now();
  const random = seededRandom(options.seed);
  const faultRandom = seededRandom(options.seed ^ 0x5bd1e995);
  const counts = new FaultCounts();
  const log = options.log;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-chaos-'));
  fs.chmodSync(dataDir, 0o755);
  const cleanups: Array<() => Promise<unknown>> = [];
  const kills: KillRecord[] = [];
  const restarts: string[] = [];
  const unplannedExits: string[] = [];
  const lagWatches: Array<Promise<void>> = [];
  const stopLagWatches = new AbortController();

  const aborted = new Promise<never>((_, reject) => {
    options.signal?.addEventListener('abort', () => reject(options.signal!.reason as Error), { once: true });
  });
  aborted.catch(() => undefined);
  try {
    return await Promise.race([aborted, runPhases()]);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (!process.env.MATTERPAY_CHAOS_KEEP) fs.rmSync(dataDir, { recursive: true, force: true });
  }

  async function runPhases(): Promise<ChaosReport> {
    log(`chaos seed ${options.seed}: ${options.payments} payments, ${options.workers} workers, data in ${dataDir}`);
    const vendors = await startVendorsProcess();
    cleanups.push(vendors.stop);
    const postgres = await startRestartablePostgres(dataDir);
    cleanups.push(postgres.stop);
    const temporal = await startRestartableTemporal(dataDir, SECRET_KEY);
    cleanups.push(temporal.stop);

    const apiFaults = { serverErrorRate: 0.1, tooManyRequestsRate: 0.05, maxLatencyMs: 150 };
    const clioApi = await startVendorFaultProxy('Clio', vendors.clio, faultRandom, counts, apiFaults);
    const lawPayApi = await startVendorFaultProxy('LawPay', vendors.lawpay, faultRandom, counts, apiFaults);
    cleanups.push(clioApi.close, lawPayApi.close);
    const ingressPort = await freePort();
    const publicAddress = await startWebhookFaultProxy(`http://127.0.0.1:${ingressPort}`, faultRandom, counts, {
      duplicateRate: 0.3,
      dropRate: 0.05,
      delayRate: 0.15,
      maxDelayMs: 8_000,
      replayRate: 0.1,
      replayAfterMs: options.replayAfterMs,
    });
    cleanups.push(publicAddress.close);

    const roles = new Roles(
      {
        databaseUrl: postgres.url,
        temporalAddress: temporal.address,
        clioUrl: clioApi.url,
        lawPayUrl: lawPayApi.url,
        secretKey: SECRET_KEY,
        firmId: FIRM_ID,
        dataDir: path.join(dataDir, 'matterpay'),
      },
      chaosRoleSettings(options),
      ingressPort,
      publicAddress.url,
    );
    cleanups.push(() => roles.stopAll());

    log('starting the ingress and the workers at the same moment');
    await roles.startAll(options.workers);
    const supervisor = superviseRoles(roles, unplannedExits, log);
    cleanups.push(async () => supervisor.stop());

    await connectClio(roles);
    await controlCall(vendors.lawpay, '/__sandbox/webhooks', { url: `${publicAddress.url}/webhooks/lawpay` });
    const db = new pg.Pool({ connectionString: postgres.url, max: 4 });
    db.on('error', () => undefined);
    cleanups.push(() => db.end());

    // The business mix, with every fault running at the same time.
    const scenarios = planScenarios(options.payments, random);
    const matters = await createMatters(vendors.clio, scenarios, String(options.seed));
    log(`${matters.length} matters; recording approved time`);
    if (options.calm) {
      clioApi.calm();
      lawPayApi.calm();
      publicAddress.calm();
    }
    const faultsDone = options.calm
      ? Promise.resolve()
      : runFaultSchedule({
          options,
          random: faultRandom,
          roles,
          temporal,
          postgres,
          counts,
          kills,
          restarts,
          lagWatches,
          stopLagWatches: stopLagWatches.signal,
          supervisor,
          log,
        });
    await recordApprovedTime(vendors.clio, matters);
    const backfill = roles.admin(['backfill', '--run-id', `chaos-${options.seed}`]);
    const ctx: LaterContext = {
      clio: vendors.clio,
      admin: (args) => adminAsAnOperator(roles, args),
      whenReminded: (invoice) => whenReminded(db, invoice),
    };
    // Each invoice meets its scenario as soon as it is issued (no waiting for the slowest invoice of the run),
    // with randomness of its own, so a seed replays the same amounts whatever order the invoices come in.
    const scenariosPlayed: Array<Promise<void>> = [];
    const scenarioFailures: Error[] = [];
    await awaitInvoices(db, FIRM_ID, matters, options.settleTimeoutMs, log, (matter) => {
      const own = seededRandom(options.seed ^ Math.imul(matter.index + 1, 0x9e3779b1));
      scenariosPlayed.push(
        (async () => {
          const next = await firstMove(vendors.lawpay, matter, own);
          if (!next) return;
          await sleep(own.int(500, 6_000));
          await next(ctx);
        })().catch((err: Error) => {
          scenarioFailures.push(err);
        }),
      );
    });
    log(`${matters.length} invoices issued; their scenarios play out`);
    await Promise.all(scenariosPlayed);
    if (scenarioFailures.length > 0) throw scenarioFailures[0]!;
    const payments = matters.reduce((sum, m) => sum + m.transactions.length, 0);
    log(`${payments} payments made at the processor; waiting for the fault schedule to finish`);
    await faultsDone;
    const backfillResult = await backfill;
    if (backfillResult.code !== 0)
      unplannedExits.push(`matterpay backfill exited ${backfillResult.code}: ${backfillResult.output.slice(-300)}`);

    clioApi.calm();
    lawPayApi.calm();
    publicAddress.calm();
    log('faults over; waiting for matterpay to settle');
    await settle(db, vendors.lawpay, publicAddress, options.settleTimeoutMs, log);
    stopLagWatches.abort();
    await Promise.all(lagWatches);
    supervisor.stop();

    const invariants = await checkInvariants({
      firmId: FIRM_ID,
      db,
      temporal: temporal.client,
      clioUrl: vendors.clio,
      lawPayUrl: vendors.lawpay,
      outboxDir: path.join(dataDir, 'matterpay', 'outbox'),
      matters,
      closeGraceMs: 5_000,
    });
    return {
      seed: options.seed,
      payments,
      invoices: matters.length,
      faults: counts.entries(),
      kills,
      recoveryBoundMs: RECOVERY_BOUND_MS,
      restarts,
      unplannedExits,
      invariants: [...invariants, recoveryInvariant(kills)],
      lagMs: await reconciliationLag(db, vendors.lawpay),
      wallMs: Date.now() - startedAt,
    };
  }
}

/** The roles' configuration for a run (the one place to add settings, such as issue 10's ingress limits). */
function chaosRoleSettings(options: ChaosOptions): Record<string, string> {
  return {
    LOG_LEVEL: 'warn',
    BILLING_DEBOUNCE: '1s',
    SWEEP_INTERVAL: '15s',
    REMINDER_SCHEDULE: options.reminderSchedule,
    STAFF_EMAIL: 'staff@chaos.test',
    MIGRATION_LOCK_WAIT: '2m',
    // The harness seeds hundreds of matters in seconds, and the sandbox's Clio delivers two webhooks per matter at
    // once: the ingress's default of 600 a minute per firm answered 429 to most of a 627-matter seed (seed 7, 1,000
    // payments), the sandbox gave up on them after five tries, and those matters waited for their billing date. The
    // limit is for forged floods from outside (README, *Security*), not for this loopback traffic.
    WEBHOOK_RATE_LIMIT: '1000000/1m',
    // Every workflow of the run stays cached between its tasks: with the default 100 per worker, a few hundred open
    // invoices and matters were replayed from their first event at almost every task, and on a loaded machine
    // workflow tasks then outlived their 10 s timeout.
    TEMPORAL_MAX_CACHED_WORKFLOWS: String(Math.max(1_000, options.payments * 2)),
  };
}

/**
 * The firm connects Clio as an admin would: `matterpay connect clio --no-wait` mints a single-use sign-in link, and
 * the harness follows it and the OAuth redirects (no browser).
 */
async function connectClio(roles: Roles): Promise<void> {
  const minted = await roles.admin(['connect', 'clio', '--no-wait']);
  const link = /https?:\/\/\S+/.exec(minted.output)?.[0];
  if (minted.code !== 0 || !link) throw new Error(`matterpay connect clio printed no sign-in link: ${minted.output}`);
  let url = link;
  for (let hop = 0; hop < 5; hop++) {
    const response = await fetch(url, { redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url).toString();
      continue;
    }
    if (!response.ok) throw new Error(`connecting Clio: ${url} answered ${response.status}: ${await response.text()}`);
    return;
  }
  throw new Error('connecting Clio: too many redirects');
}

async function whenReminded(db: pg.Pool, invoiceNumber: string): Promise<void> {
  for (;;) {
    const found = await db
      .query(`SELECT 1 FROM outbound_messages WHERE firm_id = $1 AND idempotency_key = $2 AND state = 'sent'`, [
        FIRM_ID,
        `${FIRM_ID}/${invoiceNumber}/reminder-1`,
      ])
      .then(
        (r) => r.rowCount! > 0,
        () => false,
      );
    if (found) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * An admin command as an operator runs it: one that could not reach the database (PostgreSQL restarting) says so
 * and exits 1, and the operator runs it again a little later. Up to two minutes, like a role's wait.
 */
async function adminAsAnOperator(roles: Roles, args: string[]): Promise<{ code: number | null; output: string }> {
  const deadline = Date.now() + 2 * 60_000;
  for (;;) {
    const result = await roles.admin(args);
    if (result.code === 0 || !/cannot reach the database/.test(result.output) || Date.now() > deadline) return result;
    await sleep(2_000);
  }
}

/** Restarts any role that exits on its own (and counts it: a role should survive every fault but SIGKILL). */
function superviseRoles(roles: Roles, unplannedExits: string[], log: (line: string) => void) {
  const expected = new Set<number>();
  let running = true;
  const watch = (slot: number | 'ingress') => {
    const role = slot === 'ingress' ? roles.ingress! : roles.workers[slot]!;
    void role.exited.then(({ code, signal }) => {
      if (!running || expected.has(role.child.pid!)) return;
      unplannedExits.push(
        `${role.name} exited by itself (${code ?? signal}): ${role.output().trim().split('\n').slice(-2).join(' | ').slice(0, 400)}`,
      );
      log(`! ${role.name} exited by itself; restarting it`);
      if (slot === 'ingress') roles.spawnIngress();
      else roles.spawnWorker(slot);
      watch(slot);
    });
  };
  watch('ingress');
  roles.workers.forEach((_, slot) => watch(slot));
  return {
    expectExit: (pid: number) => expected.add(pid),
    watch,
    stop: () => {
      running = false;
    },
  };
}

interface FaultContext {
  options: ChaosOptions;
  random: Random;
  roles: Roles;
  temporal: Awaited<ReturnType<typeof startRestartableTemporal>>;
  postgres: Awaited<ReturnType<typeof startRestartablePostgres>>;
  counts: FaultCounts;
  kills: KillRecord[];
  restarts: string[];
  lagWatches: Array<Promise<void>>;
  stopLagWatches: AbortSignal;
  supervisor: ReturnType<typeof superviseRoles>;
  log: (line: string) => void;
}

/** The seeded schedule of process faults: worker kills, one ingress kill, one Temporal and PostgreSQL restart, a cut. */
async function runFaultSchedule(ctx: FaultContext): Promise<void> {
  const { random, roles, temporal, postgres, counts, log } = ctx;
  type Fault = 'kill' | 'ingress' | 'temporal' | 'postgres' | 'cut';
  const schedule: Fault[] = [
    ...Array.from({ length: ctx.options.kills }, () => 'kill' as const),
    'ingress',
    'temporal',
    'postgres',
    'cut',
  ];
  for (let i = schedule.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [schedule[i], schedule[j]] = [schedule[j]!, schedule[i]!];
  }
  // Kills first wait for the business to be under way, then come every few seconds.
  await sleep(8_000);
  for (const fault of schedule) {
    await sleep(random.int(2_000, 6_000));
    switch (fault) {
      case 'kill':
        await killWorker(ctx);
        break;
      case 'ingress': {
        const ingress = roles.ingress!;
        ctx.supervisor.expectExit(ingress.child.pid!);
        await ingress.stop('SIGKILL');
        counts.add('ingress killed and restarted');
        await sleep(random.int(1_000, 4_000));
        const next = roles.spawnIngress();
        ctx.supervisor.watch('ingress');
        await next.waitForOutput('matterpay is running', 120_000);
        ctx.restarts.push(`ingress killed (SIGKILL) and restarted`);
        log('ingress killed and restarted');
        break;
      }
      case 'temporal':
        await temporal.restart(random.int(1_000, 3_000));
        counts.add('Temporal dev server restarted');
        ctx.restarts.push('Temporal dev server restarted on its SQLite file');
        log('Temporal dev server restarted');
        break;
      case 'postgres':
        await postgres.restart(random.int(1_000, 3_000));
        counts.add('PostgreSQL restarted');
        ctx.restarts.push('PostgreSQL restarted');
        log('PostgreSQL restarted');
        break;
      case 'cut':
        await temporal.cutNetwork();
        log(`network to Temporal cut for ${ctx.options.temporalCutMs / 1000} s`);
        await sleep(ctx.options.temporalCutMs);
        await temporal.restoreNetwork();
        counts.add('network to Temporal cut');
        ctx.restarts.push(`network to Temporal cut for ${ctx.options.temporalCutMs / 1000} s`);
        break;
    }
  }
}

/** SIGKILLs a worker, preferring one that is in the middle of a money activity, and respawns it at once. */
async function killWorker(ctx: FaultContext): Promise<void> {
  const { roles, temporal, random } = ctx;
  let victim = random.int(0, roles.workers.length - 1);
  let inFlight: InFlightActivity[] = [];
  // One scan of Temporal per look serves every worker (a scan describes every running workflow).
  for (let look = 0; look < 6; look++) {
    const byWorker = await activitiesInFlightByWorker(temporal.client).catch(
      () => new Map<number, InFlightActivity[]>(),
    );
    for (let offset = 0; offset < roles.workers.length; offset++) {
      const slot = (victim + offset) % roles.workers.length;
      const activities = byWorker.get(roles.workers[slot]!.child.pid!) ?? [];
      if (activities.some((a) => MONEY_ACTIVITY.test(a.activityType)) || (look === 5 && activities.length > 0)) {
        victim = slot;
        inFlight = activities;
        break;
      }
    }
    if (inFlight.length > 0) break;
    await sleep(300);
  }
  const worker = roles.workers[victim]!;
  ctx.supervisor.expectExit(worker.child.pid!);
  const killedAt = Date.now();
  await worker.stop('SIGKILL');
  ctx.counts.add('worker SIGKILLed');
  const record: KillRecord = {
    role: worker.name,
    atMs: killedAt - 0,
    inFlight,
    duringMoneyActivity: inFlight.some((a) => MONEY_ACTIVITY.test(a.activityType)),
    recoveryLagMs: null,
    finishedMs: null,
  };
  ctx.kills.push(record);
  ctx.log(`killed ${worker.name} during ${describeInFlight(inFlight)}`);
  roles.spawnWorker(victim);
  ctx.supervisor.watch(victim);
  if (inFlight.length > 0) {
    ctx.lagWatches.push(
      recoveryLag(temporal.client, inFlight, killedAt, worker.child.pid!, ctx.stopLagWatches).then(
        (recovery) => {
          record.recoveryLagMs = recovery.releasedMs;
          record.finishedMs = recovery.finishedMs;
          ctx.log(
            `${worker.name}'s ${inFlight.length} activities handed on in ${seconds(recovery.releasedMs)}, finished in ${seconds(recovery.finishedMs)}`,
          );
        },
        () => undefined,
      ),
    );
  } else {
    record.recoveryLagMs = 0;
    record.finishedMs = 0;
  }
}

/**
 * Waits until matterpay has caught up with the processor: every held-back webhook delivered, every completed
 * transaction in the ledger with the processor's effect (or parked), and the write-back queue empty.
 */
async function settle(
  db: pg.Pool,
  lawPayUrl: string,
  proxy: { pendingDeliveries(): number },
  timeoutMs: number,
  log: (line: string) => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietSince = 0;
  let saidAt = Date.now();
  for (;;) {
    const state = await lawPayState(lawPayUrl);
    const rows = await db
      .query<{ transaction_id: string; state: string; effect_cents: string }>(
        `SELECT transaction_id, state, effect_cents FROM processed_payments WHERE firm_id = $1`,
        [FIRM_ID],
      )
      .then(
        (r) => r.rows,
        () => null,
      );
    const pendingWrites = await db
      .query<{ n: number }>(
        `SELECT count(*)::int AS n FROM practice_writebacks WHERE firm_id = $1 AND state = 'pending'`,
        [FIRM_ID],
      )
      .then(
        (r) => r.rows[0]!.n,
        () => 1,
      );
    const sending = await db
      .query<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbound_messages WHERE firm_id = $1 AND state = 'sending'`,
        [FIRM_ID],
      )
      .then(
        (r) => r.rows[0]!.n,
        () => 1,
      );
    const byTxn = new Map((rows ?? []).map((r) => [r.transaction_id, r]));
    const behind = state.transactions
      .filter((t) => t.type !== 'CREDIT' && t.status === 'COMPLETED' && !t.account_id.includes('trust'))
      .filter((t) => {
        const row = byTxn.get(t.id);
        if (!row) return true;
        return row.state === 'applied' && Number(row.effect_cents) !== processorEffectCents(t);
      }).length;
    const caughtUp =
      rows !== null && behind === 0 && pendingWrites === 0 && sending === 0 && proxy.pendingDeliveries() === 0;
    if (caughtUp) {
      if (!quietSince) quietSince = Date.now();
      // Quiet for a while: late replays and reminders in flight have landed.
      if (Date.now() - quietSince > 10_000) return;
    } else quietSince = 0;
    if (Date.now() > deadline) return;
    // What the run still waits for, every half minute: a settle that never ends says why.
    if (Date.now() - saidAt >= 30_000) {
      saidAt = Date.now();
      log(
        `settling: ${behind} transactions not applied as the processor has them, ${pendingWrites} write-backs pending, ${sending} emails sending, ${proxy.pendingDeliveries()} webhook deliveries held`,
      );
    }
    await sleep(1_000);
  }
}

/** Processor transaction created → its effect in matterpay's ledger, for every completed transaction. */
async function reconciliationLag(db: pg.Pool, lawPayUrl: string): Promise<ChaosReport['lagMs']> {
  const state = await lawPayState(lawPayUrl);
  const created = new Map(
    state.transactions.map((t) => [t.id, Date.parse((t as unknown as { created: string }).created)]),
  );
  const rows = (
    await db.query<{ transaction_id: string; recorded_at: Date }>(
      `SELECT transaction_id, recorded_at FROM processed_payments WHERE firm_id = $1 AND state = 'applied'`,
      [FIRM_ID],
    )
  ).rows;
  const lags = rows
    .map((r) => r.recorded_at.getTime() - (created.get(r.transaction_id) ?? r.recorded_at.getTime()))
    .sort((a, b) => a - b);
  const at = (q: number) => (lags.length ? lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]! : 0);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: lags[lags.length - 1] ?? 0, n: lags.length };
}

/** `drawTrust ×2, evaluateMatter ×97`: what a killed worker was doing, money activities first. */
function describeInFlight(activities: InFlightActivity[]): string {
  const counts = new Map<string, number>();
  for (const a of activities) counts.set(a.activityType, (counts.get(a.activityType) ?? 0) + 1);
  const entries = [...counts.entries()].sort(
    ([a], [b]) => Number(MONEY_ACTIVITY.test(b)) - Number(MONEY_ACTIVITY.test(a)) || a.localeCompare(b),
  );
  return entries.map(([type, n]) => (n > 1 ? `${type} ×${n}` : type)).join(', ') || '(no activity)';
}

/** Every kill's recovery lag within the bound, as an invariant: its count is the kills that took longer. */
function recoveryInvariant(kills: KillRecord[]): InvariantResult {
  const late = kills.filter((k) => k.recoveryLagMs === null || k.recoveryLagMs > RECOVERY_BOUND_MS);
  return {
    name: `kills recovered later than ${RECOVERY_BOUND_MS / 1000} s (worst ${seconds(Math.max(0, ...kills.map((k) => k.recoveryLagMs ?? Infinity)))})`,
    violations: late.length,
    examples: late.map((k) => `${k.role}: ${seconds(k.recoveryLagMs)} (${describeInFlight(k.inFlight)})`),
  };
}

const seconds = (ms: number | null) =>
  ms === null || !Number.isFinite(ms) ? 'NOT RECOVERED' : `${(ms / 1000).toFixed(1)} s`;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

export function formatReport(report: ChaosReport): string {
  const lines = [
    '',
    `seed ${report.seed}   payments ${report.payments}   invoices ${report.invoices}   wall time ${(report.wallMs / 1000).toFixed(1)} s`,
    'faults injected:',
    ...report.faults.map(([kind, n]) => `  ${kind.padEnd(34)} ${n}`),
    `kills (${report.kills.length}, ${report.kills.filter((k) => k.duringMoneyActivity).length} during a money activity; recovery lag bound ${report.recoveryBoundMs / 1000} s):`,
    ...report.kills.map(
      (k) =>
        `  ${k.role.padEnd(14)} in flight: ${describeInFlight(k.inFlight)}   recovery lag ${seconds(k.recoveryLagMs)} (all finished in ${seconds(k.finishedMs)})`,
    ),
    'restarts:',
    ...report.restarts.map((r) => `  ${r}`),
    `roles that exited by themselves: ${report.unplannedExits.length}`,
    ...report.unplannedExits.map((e) => `  ${e}`),
    'invariants:',
    ...report.invariants.map(
      (i) =>
        `  ${String(i.violations).padStart(4)}  ${i.name}${i.examples.length ? `\n        e.g. ${i.examples.join('\n        e.g. ')}` : ''}`,
    ),
    `reconciliation lag (processor transaction → applied in matterpay), n=${report.lagMs.n}: p50 ${report.lagMs.p50} ms   p95 ${report.lagMs.p95} ms   p99 ${report.lagMs.p99} ms   max ${report.lagMs.max} ms`,
    '',
  ];
  return lines.join('\n');
}
