import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { MIGRATION_LOCK_ID } from '../../store/migrate';
import { roleEnvironment, spawnRole, type RoleProcess } from '../../bench/chaos/roles';
import { TEST_SECRET_KEY } from '../support/codec';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Replicas start together: an operator scales to two workers (and an ingress) at once against a new database.
 * Each must wait for whichever process holds the migration lock, then start; none may exit with "Another migration
 * is already running".
 */

let database: TestDatabase;
let dataDir: string;
const roles: RoleProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ migrated: false });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-lock-'));
});

afterAll(async () => {
  await Promise.all(roles.map((role) => role.stop()));
  await database?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function environment(extra: Record<string, string> = {}) {
  return roleEnvironment(
    {
      databaseUrl: database.url,
      temporalAddress: process.env.TEST_TEMPORAL_ADDRESS!,
      // Nothing calls the vendors during start-up: the roles only need to be configured for them.
      clioUrl: 'http://127.0.0.1:9',
      lawPayUrl: 'http://127.0.0.1:9',
      secretKey: TEST_SECRET_KEY,
      firmId: 'lock-firm',
      dataDir,
    },
    { TEMPORAL_TASK_QUEUE: `lock-${process.pid}`, ...extra },
  );
}

describe('the migration lock', () => {
  it('makes two workers started at the same moment, while another process is migrating, wait and then both run', async () => {
    // Another process (a third replica) is in the middle of migrating: it holds the lock for two seconds.
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);

    try {
      roles.push(spawnRole('worker-1', ['worker'], environment()), spawnRole('worker-2', ['worker'], environment()));
      await Promise.all(roles.map((role) => role.waitForOutput('waiting for the migration lock', 30_000)));
    } finally {
      await holder.end();
    }

    await Promise.all(roles.map((role) => role.waitForOutput('matterpay is running', 60_000)));
    for (const role of roles) expect(role.output()).not.toContain('Another migration is already running');
    const applied = await database.db.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(applied.rows[0].n).toBe(
      fs.readdirSync(path.join(__dirname, '../../store/migrations')).filter((f) => f.endsWith('.sql')).length,
    );
  });

  it('gives up after its bound, naming the lock and who holds it', async () => {
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      const worker = spawnRole('worker-3', ['worker'], environment({ MIGRATION_LOCK_WAIT: '2s' }));
      roles.push(worker);
      const exit = await worker.exited;
      expect(exit.code).toBe(1);
      expect(worker.output()).toMatch(
        /gave up after 2 s waiting for the migration lock, held by PostgreSQL backend \d+/,
      );
    } finally {
      await holder.end();
    }
  });
});
