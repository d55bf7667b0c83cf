import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../../worker/config';
import { createLogger } from '../../worker/logger';
import { startStack, type RunningStack, type StackParts } from '../../worker/stack';
import { connectClient, temporalDataConverter } from '../../worker/temporal';
import { freePort } from '../../test/support/ports';

export const BENCH_FIRM = 'bench-firm';

export interface BenchStack {
  config: Config;
  /** The variables the stack was configured with, for a `matterpay` process of the same deployment. */
  env: Record<string, string>;
  stack: RunningStack;
  db: pg.Pool;
  client: Client;
  stop(): Promise<void>;
}

/**
 * matterpay's stack for a benchmark: embedded Temporal (its SQLite file, as `npm start` runs it), PostgreSQL and
 * sandboxes on free ports, a throw-away data dir, plus a pool and a Temporal client for the benchmark itself.
 */
export async function startBenchStack(
  parts: Omit<StackParts, 'embedded'>,
  extraEnv: Record<string, string> = {},
): Promise<BenchStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-bench-'));
  fs.chmodSync(dataDir, 0o755); // PostgreSQL runs as its own user when we are root
  const env: Record<string, string> = {
    MATTERPAY_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    FIRM_ID: BENCH_FIRM,
    SWEEP_INTERVAL: '1h',
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    INGRESS_PORT: String(await freePort()),
    SANDBOX_CLIO_PORT: String(await freePort()),
    SANDBOX_LAWPAY_PORT: String(await freePort()),
    ...extraEnv,
  };
  const config = loadConfig(env, { dotenvPath: '/nonexistent' });
  const stack = await startStack(config, createLogger('warn'), { ...parts, embedded: true });
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 4 });
  const client = await connectClient(config, stack.temporalAddress, temporalDataConverter(config));
  return {
    config,
    env,
    stack,
    db,
    client,
    async stop() {
      await client.connection.close();
      await db.end();
      await stack.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs a benchmark's main and exits: 0 when it printed its figures, 1 with the error otherwise. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: Error) => {
      console.error(err);
      process.exit(1);
    },
  );
}
