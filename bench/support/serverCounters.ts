import type pg from 'pg';

/**
 * What the engine and the database were asked to do over a stretch of a benchmark, read from their own counters:
 * the Temporal dev server's Prometheus metrics (`--metrics-port`) and PostgreSQL's `pg_stat_statements`. Counts, not
 * timings: they do not swing with the machine's load, so a change in the work per payment shows in them exactly.
 */
export type Counts = Map<string, number>;

export function countsSince(before: Counts, after: Counts): Counts {
  const since: Counts = new Map();
  for (const [key, value] of after) {
    const delta = value - (before.get(key) ?? 0);
    if (delta > 0) since.set(key, delta);
  }
  return since;
}

/**
 * The requests the Temporal server's frontend answered, by operation (what its clients, the ingress, the worker and
 * the benchmark, asked of it), and the history service's writes of a workflow's state (`persistence UpdateWorkflowExecution`).
 */
export async function temporalRequests(metricsPort: number): Promise<Counts> {
  const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  if (!response.ok) throw new Error(`Temporal metrics: HTTP ${response.status}`);
  const counts: Counts = new Map();
  for (const line of (await response.text()).split('\n')) {
    const match = /^(service_requests|persistence_requests)\{([^}]*)\} ([0-9.e+]+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const key =
      match[1] === 'service_requests' && labels.service_name === 'frontend'
        ? String(labels.operation)
        : match[1] === 'persistence_requests' && labels.service_name === 'history'
          ? `persistence ${labels.operation}`
          : null;
    if (key) counts.set(key, (counts.get(key) ?? 0) + Number(match[3]));
  }
  return counts;
}

/** Marks the benchmark's own statements, so `postgresStatements` leaves them out of what matterpay asked. */
export const BENCH_SQL = '/* bench */ ';

/** Once, before the first `postgresStatements`: the server was started with the library, the database needs its views. */
export async function enableStatementStats(db: pg.Pool): Promise<void> {
  await db.query(`${BENCH_SQL}CREATE EXTENSION IF NOT EXISTS pg_stat_statements`);
}

/** Statements executed so far by matterpay's processes, by normalised text. */
export async function postgresStatements(db: pg.Pool): Promise<Counts> {
  const { rows } = await db.query(
    `${BENCH_SQL}SELECT query, calls::int AS calls FROM pg_stat_statements WHERE query NOT LIKE '/* bench */%' AND query NOT LIKE 'BEGIN%' AND query NOT LIKE 'COMMIT%'`,
  );
  const counts: Counts = new Map();
  for (const row of rows as Array<{ query: string; calls: number }>) {
    const text = row.query.replace(/\s+/g, ' ').trim();
    counts.set(text, (counts.get(text) ?? 0) + row.calls);
  }
  return counts;
}

const sum = (counts: Counts) => [...counts.values()].reduce((s, n) => s + n, 0);

/**
 * One line each: the Temporal requests per payment, and the statements per payment with the most frequent ones
 * (`shown` of them; every one, a line each, when `shown` is Infinity).
 */
export function describeCounts(temporal: Counts, statements: Counts, payments: number, shown = 4): string[] {
  const per = (n: number) => (n / payments).toFixed(2).replace(/\.?0+$/, '') || '0';
  const requests = [...temporal].filter(([k]) => !k.startsWith('persistence ')).sort((a, b) => b[1] - a[1]);
  const writes = temporal.get('persistence UpdateWorkflowExecution') ?? 0;
  const top = [...statements].sort((a, b) => b[1] - a[1]).slice(0, shown);
  return [
    `  Temporal requests per payment: ${per(sum(new Map(requests)))} (${requests
      .filter(([, n]) => n / payments >= 0.05)
      .map(([k, n]) => `${k} ${per(n)}`)
      .join(', ')}); workflow state writes ${per(writes)}`,
    shown === Infinity
      ? `  PostgreSQL statements per payment (BEGIN/COMMIT aside): ${per(sum(statements))}:\n${top
          .map(([k, n]) => `    ${per(n)} × ${k.slice(0, 200)}`)
          .join('\n')}`
      : `  PostgreSQL statements per payment (BEGIN/COMMIT aside): ${per(sum(statements))}; most: ${top
          .map(([k, n]) => `${per(n)} × "${k.slice(0, 48)}…"`)
          .join(', ')}`,
  ];
}
