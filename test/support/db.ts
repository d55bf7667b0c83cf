import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_ADMIN_URL;
  if (!url)
    throw new Error('TEST_DATABASE_ADMIN_URL is unset: run the tests through jest (test/support/global-setup.ts)');
  return url;
}

/** A fresh, empty database on the run's PostgreSQL; migrated unless asked not to. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = adminUrl().replace(/\/[^/]+$/, `/${name}`);
  if (options.migrated !== false) await migrate(url);
  const db = createPool(url, { max: 5 });
  return {
    url,
    db,
    async drop() {
      await db.end();
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
