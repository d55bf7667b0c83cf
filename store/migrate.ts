import path from 'node:path';
import { runner } from 'node-pg-migrate';

export const migrationsDir = path.join(__dirname, 'migrations');

/** Applies every pending migration in store/migrations (plain SQL, in file-name order). Safe to run on every start. */
export async function migrate(databaseUrl: string, log: (line: string) => void = () => {}): Promise<string[]> {
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
  return applied.map((m) => m.name);
}
