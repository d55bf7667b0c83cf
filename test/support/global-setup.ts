import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../store/embedded';
import { startTemporalDevServerOnFreePorts } from '../../worker/engine/temporal-dev-server';
import { ensureTool } from '../../worker/engine/tools';
import { freePort } from './ports';

/**
 * One embedded PostgreSQL and one Temporal dev server for the whole run; every test file gets its own database
 * and task queue on them (test/support/db.ts, test/support/temporal.ts). The engine binaries are installed here,
 * once, so no test skips for a missing binary: a failed install fails the run with the installer's message.
 */
export default async function globalSetup(): Promise<void> {
  ensureTool('temporal-cli');
  ensureTool('temporal-test-server');
  ensureTool('stripe-mock');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-test-'));
  // mkdtemp makes the folder private; PostgreSQL runs as its own user when we are root and must reach it.
  fs.chmodSync(dataDir, 0o755);
  const pg = await startEmbeddedPostgres({
    dir: path.join(dataDir, 'postgres'),
    port: await freePort(),
    database: 'postgres',
  });
  const temporal = await startTemporalDevServerOnFreePorts({ namespace: 'default' }, freePort);

  process.env.TEST_DATABASE_ADMIN_URL = pg.url;
  process.env.TEST_TEMPORAL_ADDRESS = temporal.address;
  (globalThis as Record<string, unknown>).__matterpayTestStack = async () => {
    await temporal.stop();
    await pg.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
