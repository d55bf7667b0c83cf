import type { Client } from '@temporalio/client';
import { createPool, hasMatterpaySchema, type Db } from '../../store/db';
import { ConfigError, loadConfig, type Config } from '../config';
import { redactPassword } from '../redactUrl';

/**
 * What every admin command (docs/architecture.md §8) shares: the validated configuration, where the store and Temporal are, and
 * connections opened on first use and always closed, so the process exits by itself when the command is done.
 *
 * Expected failures (a database or Temporal that is not running, an unknown invoice) are a `CommandError`: one
 * line on stderr and an exit code, never a stack trace.
 */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export interface CommandContext {
  readonly config: Config;
  readonly firmId: string;
  readonly timeZone: string;
  /** The database URL with its password replaced by `***`, for messages. */
  readonly databaseLabel: string;
  readonly temporalAddress: string;
  /** The store, connected and checked on first call. */
  db(): Promise<Db>;
  /** A Temporal client, connected on first call. */
  temporal(): Promise<Client>;
  /** Writes text to stdout, adding a final newline. */
  print(text: string): void;
  /** Writes a value as indented JSON to stdout. */
  printJson(value: unknown): void;
  /** The error a failed command reports: the store dropping away mid-command says so, as failing to connect does. */
  explainFailure(err: unknown): unknown;
  close(): Promise<void>;
}

const DB_CONNECT_TIMEOUT_MS = 5_000;
const TEMPORAL_CONNECT_TIMEOUT_MS = 5_000;

/** Loads the configuration; a bad variable prints the message naming it and exits 2, as `matterpay start` does. */
export function readCommandConfig(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** DATABASE_URL, or the embedded PostgreSQL a running `npm start` serves (store/embedded.ts). */
export function resolveDatabaseUrl(config: Config): string {
  return config.DATABASE_URL ?? `postgres://matterpay:matterpay@127.0.0.1:${config.EMBEDDED_POSTGRES_PORT}/matterpay`;
}

/** TEMPORAL_ADDRESS, or the embedded dev server of a running `npm start`. */
export function resolveTemporalAddress(config: Config): string {
  return config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT}`;
}

export function createCommandContext(config: Config): CommandContext {
  const databaseUrl = resolveDatabaseUrl(config);
  const databaseLabel = redactPassword(databaseUrl);
  const temporalAddress = resolveTemporalAddress(config);
  let pool: Db | null = null;
  let dbReady: Promise<Db> | null = null;
  let client: Client | null = null;
  let clientReady: Promise<Client> | null = null;
  let temporalWait: import('./temporalWait').TemporalWait | null = null;

  const unreachableDb = (reason: string) =>
    new CommandError(
      `cannot reach the database at ${databaseLabel}: ${config.DATABASE_URL ? 'check DATABASE_URL and that the server is up' : 'is `npm start` running?'} (${reason})`,
    );

  async function openDb(): Promise<Db> {
    // An idle connection dropped by the server must not crash the command; the next query reports the problem.
    pool = createPool(databaseUrl, { max: 2, connectionTimeoutMs: DB_CONNECT_TIMEOUT_MS });
    let migrated: boolean;
    try {
      migrated = await hasMatterpaySchema(pool);
    } catch (err) {
      throw unreachableDb(describeDbError(err));
    }
    if (!migrated) {
      throw new CommandError(
        `the database at ${databaseLabel} has no matterpay tables yet: start matterpay once (\`npm start\` or \`matterpay worker\`) so it applies its migrations`,
      );
    }
    return pool;
  }

  async function openTemporal(): Promise<Client> {
    // Loaded on first use: the Temporal client, gRPC and protobuf cost ~0.4 s, and most commands read only the store.
    const { Client: TemporalClient, Connection } = await import('@temporalio/client');
    const { temporalDataConverter } = require('../codec') as typeof import('../codec');
    const { waitForTemporal } = require('./temporalWait') as typeof import('./temporalWait');
    const { whenReachable } = require('../startupWait') as typeof import('../startupWait');
    const tell = (line: string) => process.stderr.write(`${line}\n`);
    temporalWait = waitForTemporal(temporalAddress, tell, config.TEMPORAL_WAIT);
    const interceptor = temporalWait.interceptor;
    let connection;
    try {
      // Temporal restarting or cut off is waited for, bounded and saying so, as a starting role does: on connecting,
      // and (through the retry interceptor) on every call the command makes afterwards.
      connection = await whenReachable(
        'Temporal',
        'the command waits for it',
        temporalAddress,
        () =>
          Connection.connect({
            address: temporalAddress,
            tls: config.TEMPORAL_TLS || Boolean(config.TEMPORAL_API_KEY) ? {} : undefined,
            apiKey: config.TEMPORAL_API_KEY,
            connectTimeout: TEMPORAL_CONNECT_TIMEOUT_MS,
            interceptors: [interceptor],
            // gRPC's reconnect backoff grows to 2 minutes by default: reconnect soon after an outage ends.
            channelArgs: { 'grpc.max_reconnect_backoff_ms': 2_000 },
          }),
        { warn: (_meta, message) => tell(message) },
        config.TEMPORAL_WAIT,
      );
    } catch (err) {
      throw new CommandError(
        `cannot reach Temporal at ${temporalAddress}: ${config.TEMPORAL_ADDRESS ? 'check TEMPORAL_ADDRESS and that the server is up' : 'is `npm start` running?'} (${firstLine(err)})`,
      );
    }
    // Same payload codec as the worker: an update's arguments and a query's answer are encrypted payloads too.
    client = new TemporalClient({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      dataConverter: temporalDataConverter(config),
    });
    return client;
  }

  return {
    config,
    firmId: config.FIRM_ID,
    timeZone: config.FIRM_TIMEZONE,
    databaseLabel,
    temporalAddress,
    db: () => (dbReady ??= openDb()),
    temporal: () => (clientReady ??= openTemporal()),
    print: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    printJson: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    explainFailure: (err) => (pool && isStoreOutage(err, databaseUrl) ? unreachableDb(describeDbError(err)) : err),
    async close() {
      const closing: Array<Promise<unknown>> = [];
      if (pool) closing.push(pool.end().catch(() => {}));
      const connection = client?.connection;
      if (connection)
        closing.push((temporalWait?.quiesce() ?? Promise.resolve()).then(() => connection.close()).catch(() => {}));
      pool = null;
      client = null;
      await Promise.all(closing);
    },
  };
}

/**
 * Wraps a command's work for commander: builds the context, runs, prints an expected failure as one line, closes
 * every connection, and sets the exit code. The work returns an exit code (default 0).
 */
export function commandAction<A extends unknown[]>(
  work: (ctx: CommandContext, ...args: A) => Promise<unknown>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const ctx = createCommandContext(readCommandConfig());
    let exitCode = 0;
    try {
      // Only a number is an exit code: a command may end with `return ctx.printJson(…)` and must still exit 0.
      const returned = await work(ctx, ...args);
      exitCode = typeof returned === 'number' ? returned : 0;
    } catch (err) {
      exitCode = reportFailure(ctx.explainFailure(err));
    } finally {
      await ctx.close();
    }
    process.exitCode = exitCode;
    // Everything is closed; should a library still hold a handle, do not let it keep the command alive.
    setTimeout(() => process.exit(exitCode), 2_000).unref();
  };
}

function reportFailure(err: unknown): number {
  if (err instanceof CommandError) {
    process.stderr.write(`${err.message}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`matterpay: ${message}\n`);
  if (process.env.MATTERPAY_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return 1;
}

/**
 * The store went away under a command that had already connected (PostgreSQL restarting, its connection cut): the
 * admin is told the database could not be reached, the message they would act on, not the driver's bare
 * "connect ECONNREFUSED".
 */
export function isStoreOutage(err: unknown, databaseUrl: string): boolean {
  if (err instanceof CommandError) return false;
  const e = err as { code?: unknown; message?: unknown; port?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  // 57P01-57P03: the server is shutting down or starting up (PostgreSQL's class 57, operator intervention).
  if (['57P01', '57P02', '57P03'].includes(code)) return true;
  if (typeof e?.message === 'string' && /^Connection terminated/.test(e.message)) return true;
  // A socket error is the store's only if it names the store's port (a vendor call fails the same way).
  const storePort = Number(new URL(databaseUrl).port || 5432);
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code) && e?.port === storePort;
}

function describeDbError(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: Array<{ message?: string }> };
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
      return 'unknown host';
    case 'ETIMEDOUT':
      return 'timed out';
    case '28P01':
      return 'password authentication failed';
    case '3D000':
      return e.message ?? 'database does not exist';
    default:
      return firstLine(e.errors?.[0] ?? err);
  }
}

export function firstLine(err: unknown): string {
  const message =
    err instanceof Error
      ? err.message
      : typeof err === 'object' && err && 'message' in err
        ? String(err.message)
        : String(err);
  return message.split('\n')[0]!.trim() || 'unknown error';
}
