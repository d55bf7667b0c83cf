import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeCliFlags } from '../../shared/searchAttributes';
import { ensureTool } from './tools';

export interface DevServerHandle {
  address: string;
  uiUrl: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` from the tools cache with the search attributes of docs/architecture.md §3 registered,
 * persisting to an SQLite file so a restart keeps every workflow. Resolves once the frontend answers.
 */
export async function startTemporalDevServer(options: {
  /** SQLite file to persist to; omitted = in memory (tests). */
  dbFile?: string;
  /** `name=value` SQLite pragmas for that file (TEMPORAL_SQLITE_PRAGMAS); ignored in memory. */
  sqlitePragmas?: readonly string[];
  port: number;
  uiPort: number;
  namespace: string;
  codecEndpoint?: string;
  /** Serve the server's Prometheus metrics on this port (the benchmarks count its requests per payment). */
  metricsPort?: number;
  log?: (line: string) => void;
}): Promise<DevServerHandle> {
  const cli = ensureTool('temporal-cli');
  if (options.dbFile) fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
    ...(options.dbFile ? (options.sqlitePragmas ?? []).flatMap((pragma) => ['--sqlite-pragma', pragma]) : []),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...(options.metricsPort ? ['--metrics-port', String(options.metricsPort)] : []),
    ...searchAttributeCliFlags(),
    ...(options.codecEndpoint ? ['--ui-codec-endpoint', options.codecEndpoint] : []),
  ];
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      output.push(line);
      if (output.length > 50) output.shift();
      options.log?.(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const address = `127.0.0.1:${options.port}`;
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`the Temporal dev server exited during start-up:\n${output.join('\n')}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: options.namespace });
        break;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(
          `the Temporal dev server did not answer on ${address} within 60s: ${(err as Error).message}\n${output.join('\n')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  return {
    address,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    child,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}

/**
 * Starts the dev server on ports picked a moment before, and picks again when one was taken in between: the
 * server's own services bind free ports as it starts, and one of them can take the port picked for its UI (CI saw
 * `listen tcp 127.0.0.1:38051: bind: address already in use` from the UI server). For tests and benchmarks.
 */
export async function startTemporalDevServerOnFreePorts(
  options: Omit<Parameters<typeof startTemporalDevServer>[0], 'port' | 'uiPort'>,
  pickPort: () => Promise<number>,
  attempts = 5,
): Promise<DevServerHandle> {
  for (let attempt = 1; ; attempt++) {
    const port = await pickPort();
    let uiPort = await pickPort();
    while (uiPort === port) uiPort = await pickPort();
    try {
      return await startTemporalDevServer({ ...options, port, uiPort });
    } catch (err) {
      if (attempt >= attempts || !/address already in use/.test((err as Error).message)) throw err;
    }
  }
}
