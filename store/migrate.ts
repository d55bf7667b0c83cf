import path from 'node:path';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import type { SecretBox } from './encryption';
import { resealLegacySecrets } from './resealSecrets';

/** node-pg-migrate's advisory lock key (runner.js PG_MIGRATE_LOCK_ID): every role migrating this database takes it. */
export const MIGRATION_LOCK_ID = 7241865325823964;

export const migrationsDir = path.join(__dirname, 'migrations');

const DEFAULT_LOCK_WAIT_MS = 5 * 60_000;
const LOCK_POLL_MS = 250;

export interface MigrateOptions {
  /** How long to wait for another process's migration before giving up (default 5 minutes). */
  lockWaitMs?: number;
  /** Told once when the lock is busy, naming who holds it, so an operator sees why start-up pauses. */
  onWaiting?: (message: string) => void;
  log?: (line: string) => void;
  /**
   * With the secret box, secrets sealed before they were bound to firm and purpose (0007) are re-sealed after the
   * migrations: SQL cannot do that step because only matterpay's processes hold the key.
   */
  box?: SecretBox;
}

export class MigrationLockTimeoutError extends Error {}

/**
 * Applies every pending migration in store/migrations (plain SQL, in file-name order). Safe to run on every start,
 * and from many replicas at once: each waits its turn for node-pg-migrate's advisory lock instead of failing with
 * "Another migration is already running", and the ones that come after find nothing left to apply.
 */
export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await takeMigrationLock(client, options);
    try {
      const applied = await runner({
        dbClient: client,
        dir: migrationsDir,
        direction: 'up',
        migrationsTable: 'schema_migrations',
        checkOrder: true,
        singleTransaction: true,
        // The lock is ours already, taken on this very session.
        noLock: true,
        verbose: false,
        log: options.log ?? (() => {}),
      });
      if (options.box) await resealWithKey(databaseUrl, options.box, options.log ?? (() => {}));
      return applied.map((m) => m.name);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Polls rather than blocks, so the wait is bounded and the holder can be named in what the operator reads. */
async function takeMigrationLock(client: pg.Client, options: MigrateOptions): Promise<void> {
  const waitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    const { rows } = await client.query<{ obtained: boolean }>('SELECT pg_try_advisory_lock($1) AS obtained', [
      MIGRATION_LOCK_ID,
    ]);
    if (rows[0]?.obtained) return;
    const holder = await lockHolder(client);
    if (Date.now() >= deadline) {
      throw new MigrationLockTimeoutError(
        `gave up after ${formatSeconds(waitMs)} waiting for the migration lock, held by ${holder}: another matterpay process is migrating this database or is stuck; ` +
          'if none is running, end that backend (SELECT pg_terminate_backend(pid)) or raise MIGRATION_LOCK_WAIT',
      );
    }
    if (!told) {
      told = true;
      options.onWaiting?.(
        `waiting for the migration lock, held by ${holder} (up to ${formatSeconds(waitMs)}): another replica is migrating this database`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

async function lockHolder(client: pg.Client): Promise<string> {
  // An advisory lock on a bigint key is stored as two 32-bit halves in pg_locks.
  const { rows } = await client.query<{ pid: number; application_name: string | null; client_addr: string | null }>(
    `SELECT l.pid, a.application_name, host(a.client_addr) AS client_addr
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted
        AND l.classid = ($1::bigint >> 32)::oid AND l.objid = ($1::bigint & 4294967295)::oid
      LIMIT 1`,
    [MIGRATION_LOCK_ID],
  );
  const row = rows[0];
  if (!row) return 'a process that has just released it';
  const from = [row.application_name, row.client_addr].filter(Boolean).join(' at ');
  return `PostgreSQL backend ${row.pid}${from ? ` (${from})` : ''}`;
}

function formatSeconds(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

async function resealWithKey(databaseUrl: string, box: SecretBox, log: (line: string) => void): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const resealed = await resealLegacySecrets(client, box);
    await client.query('COMMIT');
    if (resealed > 0) log(`re-sealed ${resealed} stored secret(s) with their firm and purpose`);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
