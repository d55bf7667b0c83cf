import pg from 'pg';

// PostgreSQL BIGINT (int8) is how the store keeps cents; node-postgres returns it as a string by default.
// Amounts stay far below 2^53, so numbers are exact.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Db = pg.Pool;

export function createPool(
  databaseUrl: string,
  options: { max?: number; connectionTimeoutMs?: number; onIdleError?: (err: Error) => void } = {},
): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs,
  });
  // An idle connection dropped by the server (restart, failover, shutdown) must not crash the process:
  // the pool replaces it on the next query.
  pool.on('error', (err) => options.onIdleError?.(err));
  return pool;
}

/** Whether matterpay's migrations have run on this database (its tables exist); connection errors propagate. */
export async function hasMatterpaySchema(db: Db): Promise<boolean> {
  const { rows } = await db.query(`SELECT to_regclass('invoices')::text AS invoices`);
  return Boolean(rows[0]?.invoices);
}

/**
 * A connection taken from the pool, listened to while it is out. The pool listens for errors only on its idle
 * connections: one the server drops while it is out but between queries (a restart while the transaction waits on an
 * email) would otherwise emit an unhandled 'error' and end the process. The error is kept instead: the connection's
 * next query fails, and `release` hands it back broken, so the pool discards it.
 */
interface TakenConnection {
  client: pg.PoolClient;
  release(): void;
}

async function take(db: Db): Promise<TakenConnection> {
  const client = await db.connect();
  let dropped: Error | undefined;
  const keep = (err: Error) => {
    dropped ??= err;
  };
  client.on('error', keep);
  return {
    client,
    release() {
      client.removeListener('error', keep);
      client.release(dropped);
    },
  };
}

/** Runs `work` in one transaction; rolls back on any error. */
/** The database's clock (epoch ms): what dates its rows' `now()`, whatever the worker's own clock says. */
export async function databaseNowMs(db: Db): Promise<number> {
  const { rows } = await db.query<{ ms: string }>(
    'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms',
  );
  return Number(rows[0]?.ms);
}

export async function inTransaction<T>(db: Db, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const taken = await take(db);
  try {
    return await transactionOn(taken.client, work);
  } finally {
    taken.release();
  }
}

/** BEGIN, `work`, COMMIT on a connection already taken; ROLLBACK on any error. */
async function transactionOn<T>(client: pg.PoolClient, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

const pairTurns = new WeakMap<Db, Promise<unknown>>();

/**
 * Like `inTransaction`, with a second connection (`spare`, autocommit) for a record that must stand whether or not
 * the transaction commits (an email's exactly-once record, say). Both connections are taken before the transaction
 * begins, one caller at a time: a transaction that holds a lock never waits for the pool, which could be full of work
 * waiting for that lock (two connections taken one by one deadlocked once as many callers ran as the pool holds).
 */
export async function inTransactionWithSpare<T>(
  db: Db,
  work: (client: pg.PoolClient, spare: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const turn = (pairTurns.get(db) ?? Promise.resolve()).then(async () => {
    const first = await take(db);
    try {
      return [first, await take(db)] as const;
    } catch (err) {
      first.release();
      throw err;
    }
  });
  pairTurns.set(
    db,
    turn.catch(() => undefined),
  );
  const [client, spare] = await turn;
  try {
    return await transactionOn(client.client, (tx) => work(tx, spare.client));
  } finally {
    client.release();
    spare.release();
  }
}

/** PostgreSQL's unique_violation: how the store says "this already happened". */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}
