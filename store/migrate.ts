import path from 'node:path';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import type { SecretBox } from './encryption';
import { resealLegacySecrets } from './resealSecrets';

export const migrationsDir = path.join(__dirname, 'migrations');

/**
 * Applies every pending migration in store/migrations (plain SQL, in file-name order). Safe to run on every start.
 * With the secret box, it then re-seals secrets sealed before they were bound to firm and purpose (0007): SQL
 * cannot do that step because only matterpay's processes hold the key.
 */
export async function migrate(databaseUrl: string, log: (line: string) => void = () => {}, options: { box?: SecretBox } = {}): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'schema_migrations',
    checkOrder: true,
    singleTransaction: true,
    verbose: false,
    log,
  });
  if (options.box) await resealWithKey(databaseUrl, options.box, log);
  return applied.map((m) => m.name);
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
