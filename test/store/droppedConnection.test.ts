import { createPool, inTransaction, inTransactionWithSpare, type Db } from '../../store/db';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Found by the chaos harness (seed 20261201, CI size, inside `npm test`): when PostgreSQL restarted, two workers
 * died with "Unhandled 'error' event … Connection terminated unexpectedly". A connection taken from the pool for a
 * transaction has no error listener while it is out (the pool listens only to idle ones), so a server that drops it
 * between two queries (while the transaction waits on an email or a vendor) crashed the whole process. The
 * transaction must fail by itself, its connection discarded, and the process carry on.
 */
let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPool(database.url, { max: 3 });
});

afterAll(async () => {
  await db?.end();
  await database?.drop();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a PostgreSQL restart does to one connection: the server ends it, here while no query is running on it. */
async function dropByServer(pid: number): Promise<void> {
  await database.db.query('SELECT pg_terminate_backend($1)', [pid]);
  await pause(300);
}

it('a transaction whose connection the server drops between two queries fails, and the process carries on', async () => {
  const outcome = inTransaction(db, async (client) => {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await dropByServer(rows[0]!.pid);
    await client.query('SELECT 1');
  });
  await expect(outcome).rejects.toThrow();
  // The dropped connection is not handed out again.
  for (let i = 0; i < 5; i++) expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
});

it('so does one with a spare connection, whichever of the two the server drops', async () => {
  for (const which of ['client', 'spare'] as const) {
    const outcome = inTransactionWithSpare(db, async (client, spare) => {
      const { rows } = await (which === 'client' ? client : spare).query<{ pid: number }>(
        'SELECT pg_backend_pid() AS pid',
      );
      await dropByServer(rows[0]!.pid);
      await client.query('SELECT 1');
      await spare.query('SELECT 1');
    });
    await expect(outcome).rejects.toThrow();
  }
  expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
});
