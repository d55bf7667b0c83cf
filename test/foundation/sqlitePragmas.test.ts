import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTemporalDevServerOnFreePorts } from '../../worker/engine/temporal-dev-server';
import { freePort } from '../support/ports';

/**
 * The embedded engine's SQLite file is opened with the pragmas `npm start` is configured with (TEMPORAL_SQLITE_PRAGMAS):
 * in WAL mode SQLite writes beside the database a `-wal` file, which a rollback journal never leaves.
 */
describe("the embedded Temporal's SQLite settings", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  async function runOnce(sqlitePragmas: string[]): Promise<string[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-sqlite-'));
    dirs.push(dir);
    const server = await startTemporalDevServerOnFreePorts(
      { dbFile: path.join(dir, 'temporal.db'), sqlitePragmas, namespace: 'default' },
      freePort,
    );
    try {
      return fs.readdirSync(dir).sort();
    } finally {
      await server.stop();
    }
  }

  it('keeps the engine in WAL mode with the default pragmas, and in a rollback journal with none', async () => {
    expect(await runOnce(['journal_mode=wal', 'synchronous=normal'])).toContain('temporal.db-wal');
    expect(await runOnce([])).not.toContain('temporal.db-wal');
  }, 120_000);
});
