import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localDate, startOfLocalDay } from '../../domain/dates';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { TEST_SECRET_KEY } from '../support/codec';
import { freePort } from '../support/ports';
import { workflowIds } from '../../shared/workflowIds';

/**
 * The read-and-steer admin commands (docs/architecture.md §8) as an admin runs them: `node bin/matterpay.js …` in its own process,
 * against a seeded store. Asserts what a firm would check: the aging buckets, the invoice list, a cancelled link.
 */

const BIN = path.resolve(__dirname, '../../bin/matterpay.js');
const FIRM = 'cli-firm';
const TZ = 'America/New_York';
const BASE = 'https://pay.smith-law.test';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let database: TestDatabase;
let workDir: string;

/** Runs the CLI from an empty folder, so no developer's `.env` leaks into the test. */
function matterpay(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
    FIRM_ID: FIRM,
    FIRM_TIMEZONE: TZ,
    PUBLIC_BASE_URL: BASE,
    LOG_LEVEL: 'silent',
    MATTERPAY_SECRET_KEYS: TEST_SECRET_KEY,
  };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: workDir,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Noon on the firm's calendar `days` days before today: a known number of days since issue, whatever the hour. */
function issuedDaysAgo(days: number): Date {
  const [y, m, d] = localDate(Date.now(), TZ).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d - days)).toISOString().slice(0, 10);
  return new Date(startOfLocalDay(date, TZ) + 12 * 3_600_000);
}

interface SeedInvoice {
  number: string;
  matter: string;
  status: 'draft' | 'awaiting_approval' | 'issued' | 'partially_paid' | 'paid' | 'void';
  total: number;
  trust?: number;
  paid?: number;
  issuedAt?: Date | null;
  escalatedAt?: Date | null;
  delivery?: 'pending' | 'sent' | 'held' | 'not_needed';
  firm?: string;
}

async function seedInvoice(inv: SeedInvoice): Promise<void> {
  const sequence = Number(/-(\d+)$/.exec(inv.number)![1]);
  await database.db.query(
    `INSERT INTO invoices (firm_id, invoice_number, matter_id, matter_display_number, sequence, kind, period, status, total_cents,
       trust_applied_cents, paid_cents, delivery, issued_at, escalated_at)
     VALUES ($1, $2, $3, $4, $5, 'hourly', '2026-01', $6, $7, $8, $9, $10, $11, $12)`,
    [
      inv.firm ?? FIRM,
      inv.number,
      `id-${inv.matter}`,
      inv.matter,
      sequence,
      inv.status,
      inv.total,
      inv.trust ?? 0,
      inv.paid ?? 0,
      inv.delivery ?? 'sent',
      inv.issuedAt ?? null,
      inv.escalatedAt ?? null,
    ],
  );
}

async function seedLink(
  token: string,
  invoiceNumber: string,
  options: { status?: string; firm?: string; opened?: number } = {},
): Promise<void> {
  await database.db.query(
    `INSERT INTO pay_links (token, firm_id, invoice_number, status, expires_at, opened_count) VALUES ($1, $2, $3, $4, now() + interval '90 days', $5)`,
    [token, options.firm ?? FIRM, invoiceNumber, options.status ?? 'outstanding', options.opened ?? 0],
  );
}

async function seedDraw(
  invoiceNumber: string,
  matter: string,
  amount: number,
  state: 'recorded' | 'confirmed' | 'reversed',
  recordedAt: Date,
): Promise<void> {
  await database.db.query(
    `INSERT INTO trust_draws (firm_id, matter_id, invoice_number, amount_cents, practice_balance_seen_cents, expected_balance_after_cents, state, recorded_at, confirmed_at, confirmed_by)
     VALUES ($1, $2, $3, $4::bigint, 500000, 500000 - $4::bigint, $5::text, $6, CASE WHEN $5::text = 'confirmed' THEN now() END, CASE WHEN $5::text = 'confirmed' THEN 'Pat Bookkeeper' END)`,
    [FIRM, `id-${matter}`, invoiceNumber, amount, state, recordedAt],
  );
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

const ISO_UTC = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

/** Invoice A-3 as every --json output shows an invoice: each field, cents as integers, times in UTC. */
const a3Json = {
  invoiceNumber: 'A-3',
  matterId: 'id-A',
  matterDisplayNumber: 'A',
  sequence: 3,
  kind: 'hourly',
  period: '2026-01',
  status: 'partially_paid',
  totalCents: 50_000,
  trustAppliedCents: 0,
  creditAppliedCents: 0,
  paidCents: 12_345,
  amountDueCents: 37_655,
  overpaymentCents: 0,
  delivery: 'sent',
  dueAt: null,
  overdue: false,
  daysPastDue: 0,
  issuedAt: issuedDaysAgo(8).toISOString(),
  daysSinceIssue: 8,
  escalated: false,
  escalatedAt: null,
  approvedBy: null,
  approvedAt: null,
  settledAt: null,
  voidedAt: null,
  createdAt: ISO_UTC,
};

beforeAll(async () => {
  database = await createTestDatabase();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-cli-'));

  // Unpaid issued invoices at the edges of every aging bucket (0–7, 8–14, 15–30, 31–60, 60+).
  await seedInvoice({
    number: 'A-1',
    matter: 'A',
    status: 'issued',
    total: 10_000,
    trust: 2_500,
    issuedAt: issuedDaysAgo(0),
  });
  await seedInvoice({ number: 'A-2', matter: 'A', status: 'issued', total: 20_000, issuedAt: issuedDaysAgo(7) });
  await seedInvoice({
    number: 'A-3',
    matter: 'A',
    status: 'partially_paid',
    total: 50_000,
    paid: 12_345,
    issuedAt: issuedDaysAgo(8),
  });
  await seedInvoice({ number: 'A-4', matter: 'A', status: 'issued', total: 1_000, issuedAt: issuedDaysAgo(14) });
  await seedInvoice({ number: 'B-1', matter: 'B', status: 'issued', total: 300, issuedAt: issuedDaysAgo(15) });
  await seedInvoice({
    number: 'B-2',
    matter: 'B',
    status: 'issued',
    total: 400,
    issuedAt: issuedDaysAgo(30),
    escalatedAt: issuedDaysAgo(0),
  });
  await seedInvoice({
    number: 'B-3',
    matter: 'B',
    status: 'issued',
    total: 5_000,
    issuedAt: issuedDaysAgo(31),
    escalatedAt: issuedDaysAgo(1),
  });
  await seedInvoice({
    number: 'B-4',
    matter: 'B',
    status: 'issued',
    total: 6_000,
    issuedAt: issuedDaysAgo(60),
    delivery: 'held',
  });
  await seedInvoice({ number: 'C-1', matter: 'C', status: 'issued', total: 7_000, issuedAt: issuedDaysAgo(61) });
  await seedInvoice({
    number: 'C-2',
    matter: 'C',
    status: 'partially_paid',
    total: 200_000,
    trust: 50_000,
    paid: 26_544,
    issuedAt: issuedDaysAgo(200),
  });
  // Not receivable: paid, draft, void, and another firm's invoice.
  await seedInvoice({
    number: 'D-1',
    matter: 'D',
    status: 'paid',
    total: 123_456,
    paid: 123_456,
    issuedAt: new Date('2025-03-01T03:00:00Z'),
  });
  await seedInvoice({ number: 'D-2', matter: 'D', status: 'draft', total: 9_900 });
  await seedInvoice({ number: 'D-3', matter: 'D', status: 'void', total: 8_800, issuedAt: issuedDaysAgo(20) });
  await seedInvoice({
    number: 'X-1',
    matter: 'X',
    status: 'issued',
    total: 99_900,
    issuedAt: issuedDaysAgo(3),
    firm: 'other-firm',
  });

  await database.db.query(
    `INSERT INTO invoice_lines (firm_id, invoice_number, line_key, description, amount_cents) VALUES
       ($1, 'A-3', 'entry:101', 'Drafting the motion to compel (2.5 h)', 30000), ($1, 'A-3', 'entry:102', 'Hearing preparation (1.6 h)', 20000)`,
    [FIRM],
  );
  await database.db.query(
    `INSERT INTO processed_payments (firm_id, processor, transaction_id, kind, amount_cents, effect_cents, reference, invoice_number, matter_id, state, occurred_at)
     VALUES ($1, 'lawpay', 'txn_abc', 'charge', 12345, 12345, 'A-3', 'A-3', 'id-A', 'applied', now() - interval '1 day')`,
    [FIRM],
  );
  await database.db.query(
    `INSERT INTO alerts (firm_id, kind, subject, message) VALUES ($1, 'delivery-held', 'A-3', 'Invoice A-3 could not be emailed.')`,
    [FIRM],
  );

  await seedLink('tokA3outstanding000000000000000000000000000', 'A-3', { opened: 3 });
  await seedLink('tokA2paid00000000000000000000000000000000000', 'A-2', { status: 'paid' });
  await seedLink('tokB1outstanding000000000000000000000000000', 'B-1');
  await seedLink('tokX1otherfirm0000000000000000000000000000000', 'X-1', { firm: 'other-firm' });

  await seedDraw('A-1', 'A', 2_500, 'recorded', hoursAgo(72));
  await seedDraw('A-3', 'A', 4_000, 'recorded', hoursAgo(20));
  await seedDraw('A-4', 'A', 1_000, 'confirmed', hoursAgo(24 * 10));
  await seedDraw('C-2', 'C', 50_000, 'recorded', hoursAgo(24 * 9));
  await seedDraw('B-1', 'B', 300, 'reversed', hoursAgo(24 * 5));
});

afterAll(async () => {
  await database?.drop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe('matterpay aging', () => {
  it('buckets unpaid issued invoices by days since issue, with count and amount due per bucket and a total', async () => {
    const result = await matterpay(['aging', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const byLabel = Object.fromEntries(
      report.buckets.map((b: { label: string; count: number; amountDueCents: number; invoices: string[] }) => [
        b.label,
        { count: b.count, amountDueCents: b.amountDueCents, invoices: b.invoices },
      ]),
    );
    expect(byLabel).toEqual({
      '0–7': { count: 2, amountDueCents: 7_500 + 20_000, invoices: ['A-1', 'A-2'] },
      '8–14': { count: 2, amountDueCents: 37_655 + 1_000, invoices: ['A-3', 'A-4'] },
      '15–30': { count: 2, amountDueCents: 300 + 400, invoices: ['B-1', 'B-2'] },
      '31–60': { count: 2, amountDueCents: 5_000 + 6_000, invoices: ['B-3', 'B-4'] },
      '60+': { count: 2, amountDueCents: 7_000 + 123_456, invoices: ['C-1', 'C-2'] },
    });
    expect(report.total).toEqual({ count: 10, amountDueCents: 208_311 });
    expect(report.timeZone).toBe(TZ);
  });

  it('prints the same buckets as a table, money in dollars', async () => {
    const result = await matterpay(['aging']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Accounts receivable aging for ${FIRM} as of ${localDate(Date.now(), TZ)}`);
    expect(result.stdout).toMatch(/^0–7\s+2\s+\$275\.00$/m);
    expect(result.stdout).toMatch(/^8–14\s+2\s+\$386\.55$/m);
    expect(result.stdout).toMatch(/^15–30\s+2\s+\$7\.00$/m);
    expect(result.stdout).toMatch(/^31–60\s+2\s+\$110\.00$/m);
    expect(result.stdout).toMatch(/^60\+\s+2\s+\$1,304\.56$/m);
    expect(result.stdout).toMatch(/^Total\s+10\s+\$2,083\.11$/m);
  });
});

describe('matterpay invoices', () => {
  it("lists the firm's invoices (and only this firm's) with amounts, age, escalation and delivery", async () => {
    const result = await matterpay(['invoices', '--json']);
    expect(result.code).toBe(0);
    const { invoices } = JSON.parse(result.stdout);
    expect(invoices.map((i: { invoiceNumber: string }) => i.invoiceNumber).sort()).toEqual([
      'A-1',
      'A-2',
      'A-3',
      'A-4',
      'B-1',
      'B-2',
      'B-3',
      'B-4',
      'C-1',
      'C-2',
      'D-1',
      'D-2',
      'D-3',
    ]);
    const a3 = invoices.find((i: { invoiceNumber: string }) => i.invoiceNumber === 'A-3');
    expect(a3).toMatchObject({
      matterDisplayNumber: 'A',
      status: 'partially_paid',
      totalCents: 50_000,
      trustAppliedCents: 0,
      paidCents: 12_345,
      amountDueCents: 37_655,
      daysSinceIssue: 8,
      escalated: false,
      delivery: 'sent',
      issuedAt: issuedDaysAgo(8).toISOString(),
    });
    expect(invoices.find((i: { invoiceNumber: string }) => i.invoiceNumber === 'B-3')).toMatchObject({
      escalated: true,
      daysSinceIssue: 31,
    });
    expect(invoices.find((i: { invoiceNumber: string }) => i.invoiceNumber === 'D-2')).toMatchObject({
      issuedAt: null,
      daysSinceIssue: null,
    });
  });

  it('keeps the whole --json shape of `invoices` (a contract for scripts, docs/architecture.md §8)', async () => {
    const result = await matterpay(['invoices', '--matter', 'A', '--status', 'partially_paid', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      firmId: FIRM,
      generatedAt: ISO_UTC,
      filter: { status: 'partially_paid', matter: 'A', overdue: false },
      invoices: [a3Json],
    });
  });

  it('filters by status and by matter', async () => {
    const byStatus = JSON.parse((await matterpay(['invoices', '--status', 'partially_paid', '--json'])).stdout);
    expect(byStatus.invoices.map((i: { invoiceNumber: string }) => i.invoiceNumber)).toEqual(['A-3', 'C-2']);
    const byMatter = JSON.parse((await matterpay(['invoices', '--matter', 'B', '--json'])).stdout);
    expect(byMatter.invoices.map((i: { invoiceNumber: string }) => i.invoiceNumber)).toEqual([
      'B-1',
      'B-2',
      'B-3',
      'B-4',
    ]);
    const byMatterId = JSON.parse(
      (await matterpay(['invoices', '--matter', 'id-C', '--status', 'issued', '--json'])).stdout,
    );
    expect(byMatterId.invoices.map((i: { invoiceNumber: string }) => i.invoiceNumber)).toEqual(['C-1']);
  });

  it('shows money as dollars and dates on the firm calendar in the table', async () => {
    const result = await matterpay(['invoices', '--matter', 'D']);
    expect(result.code).toBe(0);
    // Issued 2025-03-01 03:00 UTC, which is still February 28 in New York.
    expect(result.stdout).toMatch(
      /^D-1\s+D\s+paid\s+\$1,234\.56\s+\$0\.00\s+\$1,234\.56\s+\$0\.00\s+2025-02-28\s+\d+\s+sent$/m,
    );
    expect(result.stdout).toMatch(/^3 invoices\s+\$1,421\.56/m);
  });

  it('rejects an unknown --status with an error that names the option and the allowed values', async () => {
    const result = await matterpay(['invoices', '--status', 'overdue']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("option '--status <status>' argument 'overdue' is invalid");
    expect(result.stderr).toContain('draft, awaiting_approval, issued, partially_paid, paid, void');
  });
});

describe('matterpay invoice <number>', () => {
  it('shows the store record, lines, trust draw, pay links, payments and alerts, and says when the workflow cannot be reached', async () => {
    const deadTemporal = `127.0.0.1:${await freePort()}`;
    const result = await matterpay(['invoice', 'A-3'], { TEMPORAL_ADDRESS: deadTemporal, TEMPORAL_WAIT: '1ms' });
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^Invoice A-3$/m);
    expect(out).toMatch(/Status\s+partially_paid/);
    expect(out).toMatch(/Paid\s+\$123\.45/);
    expect(out).toMatch(/Amount due\s+\$376\.55/);
    expect(out).toMatch(/entry:101\s+Drafting the motion to compel \(2\.5 h\)\s+\$300\.00/);
    expect(out).toMatch(/Amount\s+\$40\.00/);
    expect(out).toContain(`${BASE}/pay/tokA3outstanding000000000000000000000000000`);
    expect(out).toMatch(/lawpay\s+txn_abc\s+charge\s+completed\s+\$123\.45\s+\$123\.45\s+applied/);
    expect(out).toContain('delivery-held: Invoice A-3 could not be emailed.');
    expect(out).toContain(`Workflow ${workflowIds.invoice(FIRM, 'A-3')}`);
    expect(out).toContain(`could not be reached: cannot reach Temporal at ${deadTemporal}`);
  });

  it('gives the same in --json, cents as integers and UTC timestamps', async () => {
    const deadTemporal = `127.0.0.1:${await freePort()}`;
    const result = await matterpay(['invoice', 'A-3', '--json'], {
      TEMPORAL_ADDRESS: deadTemporal,
      TEMPORAL_WAIT: '1ms',
    });
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout);
    expect(view.invoice).toMatchObject({
      invoiceNumber: 'A-3',
      amountDueCents: 37_655,
      issuedAt: issuedDaysAgo(8).toISOString(),
    });
    expect(view.lines).toHaveLength(2);
    expect(view.trustDraw).toMatchObject({ amountCents: 4_000, state: 'recorded' });
    expect(view.payLinks).toEqual([
      expect.objectContaining({
        status: 'outstanding',
        openedCount: 3,
        url: `${BASE}/pay/tokA3outstanding000000000000000000000000000`,
      }),
    ]);
    expect(view.payments).toEqual([
      expect.objectContaining({ transactionId: 'txn_abc', amountCents: 12_345, state: 'applied' }),
    ]);
    expect(view.alerts).toEqual([expect.objectContaining({ kind: 'delivery-held' })]);
    expect(view.workflow).toMatchObject({
      workflowId: workflowIds.invoice(FIRM, 'A-3'),
      reachable: false,
      state: null,
    });
  });

  it('keeps the whole --json shape of `invoice <number>` (a contract for scripts, docs/architecture.md §8)', async () => {
    const deadTemporal = `127.0.0.1:${await freePort()}`;
    const result = await matterpay(['invoice', 'A-3', '--json'], {
      TEMPORAL_ADDRESS: deadTemporal,
      TEMPORAL_WAIT: '1ms',
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      firmId: FIRM,
      generatedAt: ISO_UTC,
      invoice: a3Json,
      lines: [
        {
          lineKey: 'entry:101',
          description: 'Drafting the motion to compel (2.5 h)',
          amountCents: 30_000,
          date: null,
          seconds: null,
          rateCents: null,
        },
        {
          lineKey: 'entry:102',
          description: 'Hearing preparation (1.6 h)',
          amountCents: 20_000,
          date: null,
          seconds: null,
          rateCents: null,
        },
      ],
      trustDraw: {
        id: expect.any(Number),
        matterId: 'id-A',
        amountCents: 4_000,
        state: 'recorded',
        practiceBalanceSeenCents: 500_000,
        expectedBalanceAfterCents: 496_000,
        recordedAt: ISO_UTC,
        confirmedAt: null,
      },
      payLinks: [
        {
          token: 'tokA3outstanding000000000000000000000000000',
          url: `${BASE}/pay/tokA3outstanding000000000000000000000000000`,
          invoiceNumber: 'A-3',
          status: 'outstanding',
          createdAt: ISO_UTC,
          expiresAt: ISO_UTC,
          openedCount: 3,
          lastOpenedAt: null,
        },
      ],
      payments: [
        {
          processor: 'lawpay',
          transactionId: 'txn_abc',
          kind: 'charge',
          status: 'completed',
          amountCents: 12_345,
          effectCents: 12_345,
          reference: 'A-3',
          state: 'applied',
          detail: null,
          occurredAt: ISO_UTC,
          recordedAt: ISO_UTC,
        },
      ],
      alerts: [{ kind: 'delivery-held', message: 'Invoice A-3 could not be emailed.', createdAt: ISO_UTC }],
      workflow: {
        workflowId: workflowIds.invoice(FIRM, 'A-3'),
        reachable: false,
        found: false,
        execution: null,
        problem: expect.stringContaining(`cannot reach Temporal at ${deadTemporal}`),
        state: null,
      },
    });
  });

  it('says when Temporal answers but the invoice has no workflow', async () => {
    const result = await matterpay(['invoice', 'B-1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no such workflow');
  });

  it('exits 1 with "invoice X not found" for an unknown number, and for another firm\'s invoice', async () => {
    for (const number of ['Z-404', 'X-1']) {
      const result = await matterpay(['invoice', number]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(`invoice ${number} not found`);
      expect(result.stdout).toBe('');
    }
  });
});

describe('matterpay links', () => {
  it('lists pay links with status, times opened and URL, filtered by --status', async () => {
    const all = JSON.parse((await matterpay(['links', '--json'])).stdout);
    expect(
      all.links.map((l: { invoiceNumber: string; status: string }) => `${l.invoiceNumber}:${l.status}`).sort(),
    ).toEqual(['A-2:paid', 'A-3:outstanding', 'B-1:outstanding']);
    const outstanding = await matterpay(['links', '--status', 'outstanding']);
    expect(outstanding.code).toBe(0);
    expect(outstanding.stdout).toMatch(
      new RegExp(
        `^A-3\\s+outstanding\\s+\\d{4}-\\d{2}-\\d{2}\\s+\\d{4}-\\d{2}-\\d{2}\\s+3\\s+${BASE}/pay/tokA3outstanding0+$`,
        'm',
      ),
    );
    expect(outstanding.stdout).not.toContain('A-2');
  });

  it('rejects an unknown --status naming the option', async () => {
    const result = await matterpay(['links', '--status', 'open']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "option '--status <status>' argument 'open' is invalid. Allowed choices are outstanding, paid, cancelled, expired",
    );
  });

  it('cancels an outstanding link: the store shows it cancelled, the invoice stays open', async () => {
    const token = 'tokB1outstanding000000000000000000000000000';
    const result = await matterpay(['links', 'cancel', `${BASE}/pay/${token}`]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Cancelled the pay link of invoice B-1');
    expect(result.stdout).toContain('Invoice B-1 itself is unchanged: issued, $3.00 due.');
    const { rows } = await database.db.query('SELECT status, closed_at FROM pay_links WHERE token = $1', [token]);
    expect(rows[0].status).toBe('cancelled');
    expect(rows[0].closed_at).not.toBeNull();
    const invoice = await database.db.query(
      `SELECT status FROM invoices WHERE firm_id = $1 AND invoice_number = 'B-1'`,
      [FIRM],
    );
    expect(invoice.rows[0].status).toBe('issued');

    const again = await matterpay(['links', 'cancel', token]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(
      'the pay link of invoice B-1 is already cancelled: only an outstanding link can be cancelled',
    );
  });

  it("refuses a paid link, an unknown token and another firm's token", async () => {
    const paid = await matterpay(['links', 'cancel', 'tokA2paid00000000000000000000000000000000000']);
    expect(paid.code).toBe(1);
    expect(paid.stderr).toContain('the pay link of invoice A-2 is already paid');

    for (const token of ['tokNoSuchLink0000000000', 'tokX1otherfirm0000000000000000000000000000000']) {
      const result = await matterpay(['links', 'cancel', token]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(`pay link ${token} not found for firm ${FIRM}`);
    }
    const { rows } = await database.db.query(
      `SELECT status FROM pay_links WHERE token = 'tokX1otherfirm0000000000000000000000000000000'`,
    );
    expect(rows[0].status).toBe('outstanding');
  });
});

// `matterpay trust-report` needs a worker to gather the trust ledger: see test/trust/trustReport.cli.test.ts.

describe('expected failures are one line, not a stack trace', () => {
  it('says when the configured database cannot be reached', async () => {
    const port = await freePort();
    const result = await matterpay(['aging'], {
      DATABASE_URL: `postgres://matterpay:secret@127.0.0.1:${port}/matterpay`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `cannot reach the database at postgres://matterpay:***@127.0.0.1:${port}/matterpay: check DATABASE_URL and that the server is up (connection refused)`,
    );
  });

  it('points at `npm start` when the embedded database is not running', async () => {
    const port = await freePort();
    const result = await matterpay(['invoices'], { DATABASE_URL: undefined, EMBEDDED_POSTGRES_PORT: String(port) });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `cannot reach the database at postgres://matterpay:***@127.0.0.1:${port}/matterpay: is \`npm start\` running? (connection refused)`,
    );
  });

  it('exits 2 naming a bad variable, as `matterpay start` does', async () => {
    const result = await matterpay(['aging'], { FIRM_TIMEZONE: 'Mars/Olympus' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('FIRM_TIMEZONE="Mars/Olympus": must be an IANA time zone');
  });
});

describe('matterpay alerts', () => {
  it('lists what needs a person, and --json gives the same', async () => {
    await database.db.query(
      `INSERT INTO alerts (firm_id, kind, subject, message) VALUES ($1, 'unmatched-payment', 'lawpay/txn_9', 'Map it with: matterpay link "OLD-REF-7" <matter>')`,
      [FIRM],
    );
    const human = await matterpay(['alerts']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('unmatched-payment');
    expect(human.stdout).toContain('matterpay link "OLD-REF-7" <matter>');
    expect(human.stdout).toContain('delivery-held');
    const json = await matterpay(['alerts', '--json']);
    expect(json.code).toBe(0);
    const alerts = JSON.parse(json.stdout) as Array<{ kind: string; subject: string }>;
    expect(alerts.map((a) => a.subject)).toEqual(expect.arrayContaining(['lawpay/txn_9', 'A-3']));
  });
});
