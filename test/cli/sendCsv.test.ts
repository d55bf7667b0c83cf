import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { BillingHarness, FIRM, useBillingHarness, type SandboxMatter } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';

/** `matterpay send-csv`: all rows or none, each imported invoice issued by its workflow, a second import adds nothing. */
describe('matterpay send-csv', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  let dir: string;
  let smith: SandboxMatter;
  let jones: SandboxMatter;

  useBillingHarness(devServerEnvironment, async (started, harness) => {
    env = started;
    h = harness;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-csv-'));
    smith = await h.createMatter({ client: { name: 'Sam Smith', email: 'sam@client.test' } });
    jones = await h.createMatter({ client: { name: 'Jo Jones', email: 'jo@client.test' } });
    for (const m of [smith, jones]) {
      await h.database.db.query(
        `INSERT INTO matter_links (firm_id, processor, external_reference, practice_matter_id, matter_display_number, source) VALUES ($1, 'any', $2, $3, $2, 'webhook')`,
        [FIRM, m.display_number, String(m.id)],
      );
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const sendCsv = (content: string, options: string[] = []) => {
    const file = path.join(dir, `upload-${Math.random().toString(36).slice(2)}.csv`);
    fs.writeFileSync(file, content);
    return { file, ...run(file, options) };
  };
  const run = (file: string, options: string[] = []) =>
    spawnSync(process.execPath, [path.resolve('bin/matterpay.js'), 'send-csv', file, ...options], {
      encoding: 'utf8',
      cwd: dir,
      env: {
        ...process.env,
        DATABASE_URL: h.database.url,
        TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
        FIRM_ID: FIRM,
        TEMPORAL_TASK_QUEUE: h.taskQueue,
        TEMPORAL_PAYLOAD_ENCRYPTION: 'false',
        LOG_LEVEL: 'silent',
      },
    });
  const manualInvoices = async () => (await h.invoiceRows()).filter((r) => r.kind === 'manual');

  it('imports nothing when any row is wrong, and says which line and column', async () => {
    const result = sendCsv(
      `matter,description,amount\n${smith.display_number},Retainer top-up,1250.00\n00099-Nobody,Consultation,300.00\n${jones.display_number},Filing fees,"1,250"\n${jones.display_number},,10.00\n`,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('nothing was imported, because of 3 problems');
    expect(result.stderr).toMatch(/line 3, matter: matter "00099-Nobody" is not in the lookup table/);
    expect(result.stderr).toMatch(/line 4, amount: "1,250" must be dollars and cents/);
    expect(result.stderr).toMatch(/line 5, description: "" is empty/);
    expect(await manualInvoices()).toEqual([]);
  });

  it('imports every row as an invoice that is then issued and emailed, and a second import adds nothing', async () => {
    const content = `Matter,Description,Amount,Period\n${smith.display_number},Estate plan (fixed fee),1500.00,2026-11\n${smith.display_number},Deed recording,125.50,\n${jones.display_number},Contract review,800,\n`;
    const first = sendCsv(content);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/Imported 3 invoices for \$2,425\.50/);
    const rows = await manualInvoices();
    const byAmount = (a: [unknown, number], b: [unknown, number]) => a[1] - b[1];
    expect(
      rows.map((r) => [r.matter_display_number, Number(r.total_cents)] as [unknown, number]).sort(byAmount),
    ).toEqual([
      [smith.display_number, 12_550],
      [jones.display_number, 80_000],
      [smith.display_number, 150_000],
    ]);
    for (;;) {
      const issued = (await manualInvoices()).filter((r) => r.status === 'issued' && r.delivery === 'sent');
      if (issued.length === 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const subjects = (await h.emails()).map((e) => e.subject);
    expect(subjects).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\$125\.50 due$/),
        expect.stringMatching(/\$1,500\.00 due$/),
        expect.stringMatching(/\$800\.00 due$/),
      ]),
    );

    const again = run(first.file);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/imported before/);
    expect(await manualInvoices()).toHaveLength(3);
  });

  it('keeps the whole --json shape (a contract for scripts): the problems, or what was imported, and a repeat', async () => {
    const refused = sendCsv('matter,description,amount\n00099-Nobody,Consultation,300.00\n', ['--json']);
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stdout)).toEqual({
      imported: 0,
      errors: [expect.stringMatching(/^line 2, matter: matter "00099-Nobody" is not in the lookup table for firm /)],
    });

    const emailed = sendCsv(`matter,description,amount\n${jones.display_number},Witness fee,42.00\n`, ['--json']);
    expect(emailed.stderr).toBe('');
    const imported = JSON.parse(emailed.stdout);
    expect(imported).toEqual({
      imported: 1,
      alreadyImported: false,
      invoices: [expect.stringMatching(new RegExp(`^${jones.display_number}-\\d+$`))],
      totalCents: 4_200,
      emailed: true,
      links: null,
      linksFile: null,
    });
    expect(JSON.parse(run(emailed.file, ['--json']).stdout)).toEqual({
      ...imported,
      imported: 0,
      alreadyImported: true,
    });
  });
});
