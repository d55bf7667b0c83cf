/**
 * ClioPracticeManagement.listTrustLedger over real HTTP against the Clio sandbox: Clio's `bank_transactions` on the
 * trust account only, as integer cents, one call per 200 lines (plus the trust account lookup, once per process).
 */
import { createClioMatter, startSandboxedClio, type SandboxedClio } from '../support/sandboxes';

let clio: SandboxedClio;

beforeAll(async () => {
  clio = await startSandboxedClio();
});
afterAll(async () => {
  await clio?.close();
});
beforeEach(async () => {
  await clio.post('/__sandbox/reset');
  clio.serverLog.length = 0;
});

describe('listTrustLedger', () => {
  it("reads one matter's trust lines as cents with their dates and descriptions", async () => {
    const matter = await createClioMatter(clio, { trust_balance_cents: 100_000 });
    const other = await createClioMatter(clio, { trust_balance_cents: 7_000 });
    await clio.post(`/__sandbox/trust/${matter.id}/apply`, {
      amount_cents: 40_001,
      description: 'Invoice 00001-Smith-1',
    });
    await clio.post(`/__sandbox/trust/${matter.id}/withdraw`, {
      amount_cents: 500,
      description: 'Filing fee',
      date: '2026-11-02',
    });

    const ledger = await clio.connector.practice.listTrustLedger({ matterId: String(matter.id) });
    expect(ledger.map(({ id: _id, date: _date, enteredAt: _at, ...rest }) => rest)).toEqual([
      {
        matterId: String(matter.id),
        matterDisplayNumber: matter.display_number,
        depositCents: 100_000,
        withdrawalCents: 0,
        description: 'Opening trust balance',
      },
      {
        matterId: String(matter.id),
        matterDisplayNumber: matter.display_number,
        depositCents: 0,
        withdrawalCents: 40_001,
        description: 'Invoice 00001-Smith-1',
      },
      {
        matterId: String(matter.id),
        matterDisplayNumber: matter.display_number,
        depositCents: 0,
        withdrawalCents: 500,
        description: 'Filing fee',
      },
    ]);
    expect(ledger[2]!.date).toBe('2026-11-02');
    expect(ledger.every((e) => e.enteredAt && !Number.isNaN(Date.parse(e.enteredAt)))).toBe(true);
    expect((await clio.connector.practice.listTrustLedger()).map((e) => e.matterId)).toContain(String(other.id));
  });

  it('pages through 450 lines with cursor paging, 200 at a time, explicit fields, and looks the trust account up once', async () => {
    const bulk = await clio.post<{ ids: number[] }>('/__sandbox/matters/bulk', {
      count: 450,
      trust_balance_cents: 100,
    });
    expect(bulk.ids).toHaveLength(450);
    clio.serverLog.length = 0;
    const ledger = await clio.connector.practice.listTrustLedger();
    expect(ledger).toHaveLength(450);
    await clio.connector.practice.listTrustLedger({ matterId: String(bulk.ids[0]) });
    const paths = clio.serverLog.map((r) => r.path);
    expect(paths.filter((p) => p.startsWith('/api/v4/bank_accounts')).length).toBeLessThanOrEqual(1); // cached by the earlier test
    const reads = clio.serverLog.filter((r) => r.path.startsWith('/api/v4/bank_transactions'));
    expect(reads).toHaveLength(4); // 200 + 200 + 50, then the one matter
    expect(new URL(reads[0]!.url, 'http://x').searchParams.get('fields')).toBe(
      'id,date,funds_in,funds_out,description,created_at,matter{id,display_number}',
    );
    expect(new URL(reads[0]!.url, 'http://x').searchParams.get('bank_account_id')).toBe('12');
  });
});
