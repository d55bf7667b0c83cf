import { isUniqueViolation } from '../../store/db';
import { migrate } from '../../store/migrate';
import { createTestDatabase, type TestDatabase } from '../support/db';

describe('store migrations and the matter-ID lookup table', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('apply to an empty database, and applying again changes nothing', async () => {
    const first = await migrate(database.url);
    expect(first.length).toBeGreaterThan(0);
    expect(first[0]).toBe('0001_lookup_and_events');
    expect(await migrate(database.url)).toEqual([]);
    const tables = await database.db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['matter_links', 'processed_events', 'schema_migrations']),
    );
  });

  it('refuses a second mapping of the same reference for the same firm and processor', async () => {
    const insert = (matterId: string) =>
      database.db.query(
        `INSERT INTO matter_links (firm_id, processor, external_reference, practice_matter_id, matter_display_number, source)
       VALUES ('smith-law', 'lawpay', 'Smith retainer', $1, '00001-Smith', 'admin')`,
        [matterId],
      );
    await insert('101');
    const duplicate = await insert('202').catch((err: unknown) => err);
    expect(isUniqueViolation(duplicate)).toBe(true);
    const rows = await database.db.query(
      `SELECT practice_matter_id FROM matter_links WHERE external_reference = 'Smith retainer'`,
    );
    expect(rows.rows).toEqual([{ practice_matter_id: '101' }]);
  });

  it('keeps firms apart: the same reference may belong to different firms', async () => {
    await database.db.query(
      `INSERT INTO matter_links (firm_id, processor, external_reference, practice_matter_id, matter_display_number, source)
       VALUES ('jones-law', 'lawpay', 'Smith retainer', '7', '00007-Smith', 'admin')`,
    );
    const rows = await database.db.query(
      `SELECT firm_id FROM matter_links WHERE external_reference = 'Smith retainer' ORDER BY firm_id`,
    );
    expect(rows.rows.map((r) => r.firm_id)).toEqual(['jones-law', 'smith-law']);
  });
});
