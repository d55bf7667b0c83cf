import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { localDate } from '../../domain/dates';
import { BillingHarness, FIRM, useBillingHarness, type SandboxMatter } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';

/**
 * LawPay ClientPay parity from the command line: quick links, ClientPay's bulk-upload columns, "generate links for
 * download" (`--no-email`), the Sent Pages export (`links --csv`), due dates, Overdue and aging by due date.
 */
describe('ClientPay parity: quick-link, send-csv columns and --no-email, links --csv, aging --by due', () => {
  let h: BillingHarness;
  let dir: string;
  let smith: SandboxMatter;
  let jones: SandboxMatter;
  const TZ = 'America/New_York';
  const patiently = { timeoutMs: 30_000, everyMs: 100 };

  useBillingHarness(devServerEnvironment, async (_env, harness) => {
    h = harness;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-clientpay-'));
    smith = await h.createMatter({ client: { name: 'Quinn Quicklink', email: 'quinn@client.test' } });
    jones = await h.createMatter({
      client: { name: 'Tess Trustwell', email: 'tess@client.test' },
      trust_balance_cents: 5_000,
    });
    for (const m of [smith, jones]) {
      await h.database.db.query(
        `INSERT INTO matter_links (firm_id, processor, external_reference, practice_matter_id, matter_display_number, source) VALUES ($1, 'any', $2, $3, $2, 'webhook')`,
        [FIRM, m.display_number, String(m.id)],
      );
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The CLI in its own process, asynchronously: the harness's worker (in this process) must keep running meanwhile. */
  const matterpay = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [path.resolve('bin/matterpay.js'), ...args], {
        cwd: dir,
        env: {
          ...process.env,
          DATABASE_URL: h.database.url,
          TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
          FIRM_ID: FIRM,
          FIRM_TIMEZONE: TZ,
          TEMPORAL_TASK_QUEUE: h.taskQueue,
          TEMPORAL_PAYLOAD_ENCRYPTION: 'false',
          LOG_LEVEL: 'silent',
          PUBLIC_BASE_URL: 'http://pay.firm.test',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString('utf8');
      });
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  const invoice = async (number: string) => (await h.invoiceRows()).find((r) => r.invoice_number === number)!;
  const daysFromToday = (days: number) => {
    const [y, m, d] = localDate(Date.now(), TZ).split('-').map(Number) as [number, number, number];
    return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
  };

  it("send-csv takes ClientPay's bulk-upload columns: its own number, dates, recipient, email and message", async () => {
    const file = write(
      'clientpay.csv',
      [
        'Invoice Number,Invoice Date,Due Date,Recipient Name,Amount,Email Address,Custom Message,Matter',
        `CP-1001,11/01/2026,12/15/2026,Quinn Quicklink Jr.,300.00,junior@client.test,"Final balance, thank you.",${smith.display_number}`,
      ].join('\n'),
    );
    const result = await matterpay(['send-csv', file]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/Imported 1 invoice for \$300\.00: CP-1001\./);
    await waitFor(async () => (await invoice('CP-1001')).delivery === 'sent', {
      what: 'CP-1001 to be emailed',
      ...patiently,
    });
    const row = await invoice('CP-1001');
    expect(localDate((row.due_at as Date).getTime(), TZ)).toBe('2026-12-15');
    expect(row).toMatchObject({
      recipient_name: 'Quinn Quicklink Jr.',
      recipient_email: 'junior@client.test',
      custom_message: 'Final balance, thank you.',
      send_email: true,
    });
    const mail = (await h.emailsWithAttachments()).find((m) => m.subject.startsWith('Invoice CP-1001'))!;
    expect(mail.to).toBe('junior@client.test');
    expect(mail.text).toContain('Dear Quinn Quicklink Jr.,');
    expect(mail.text).toContain('Due date: 2026-12-15');
    expect(mail.text).toContain('Final balance, thank you.');
    expect(mail.attachments.map((a) => a.filename)).toEqual(['invoice-CP-1001.pdf']);
  });

  it('send-csv rejects a bad ClientPay row with its line and column, and imports nothing', async () => {
    const file = write(
      'bad.csv',
      [
        'Invoice Number,Due Date,Amount,Email Address,Matter',
        `CP-2001,31/12/2026,10.00,x@client.test,${smith.display_number}`,
        `CP-2002,2026-12-31,10.00,not-an-email,${smith.display_number}`,
        `CP-1001,2026-12-31,10.00,x@client.test,${smith.display_number}`,
      ].join('\n'),
    );
    const result = await matterpay(['send-csv', file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/line 2, duedate: "31\/12\/2026" must be a date such as 2026-12-31 or 12\/31\/2026/);
    expect(result.stderr).toMatch(/line 3, emailaddress: "not-an-email" is not a deliverable email address/);
    expect(result.stderr).toMatch(/line 4, invoice number: "CP-1001" is already an invoice/);
    expect((await h.invoiceRows()).filter((r) => String(r.invoice_number).startsWith('CP-2'))).toEqual([]);
  });

  it('send-csv --no-email writes the pay links to a CSV and emails no one; trust still comes first', async () => {
    const before = (await h.emails()).length;
    const file = write(
      'links-only.csv',
      `matter,description,amount\n${jones.display_number},Filing fee,120.00\n${smith.display_number},Copies,15.00\n`,
    );
    const result = await matterpay(['send-csv', file, '--no-email']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/Nothing was emailed: the pay links are in .*links-only\.links\.csv/);
    const links = parse(fs.readFileSync(path.join(dir, 'links-only.links.csv'), 'utf8'), { columns: true }) as Array<
      Record<string, string>
    >;
    expect(links).toHaveLength(2);
    expect(links.map((l) => l.amount_due).sort()).toEqual(['15.00', '70.00']); // Jones: $120 less $50 of trust
    for (const link of links) expect(link.pay_link).toMatch(/^http:\/\/pay\.firm\.test\/pay\/[A-Za-z0-9_-]{43}$/);
    // Each invoice's workflow records that the firm sends it itself: a moment after the command returns.
    for (const link of links) {
      await waitFor(async () => (await invoice(link.invoice_number!)).delivery === 'not_needed', {
        what: `delivery of ${link.invoice_number} marked not needed`,
        timeoutMs: 60_000,
      });
    }
    expect((await h.emails()).length).toBe(before);
  });

  it('quick-link makes an invoice of record with its link; past due it is Overdue in invoices and aged by due date', async () => {
    const result = await matterpay([
      'quick-link',
      '--matter',
      smith.display_number,
      '--amount',
      '250.00',
      '--invoice-number',
      'QL-7',
      '--due',
      daysFromToday(-45),
      '--no-email',
      '--message',
      'Old balance from 2025.',
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Invoice QL-7 on matter .* for \$250\.00, due \d{4}-\d{2}-\d{2}\.$/m);
    const url = /Pay link \(asks for \$250\.00 after trust\): (\S+)/.exec(result.stdout)![1]!;
    expect(result.stdout).toContain('Nothing was emailed');
    expect(await invoice('QL-7')).toMatchObject({
      kind: 'manual',
      status: 'issued',
      total_cents: 25_000,
      custom_message: 'Old balance from 2025.',
      send_email: false,
    });

    const list = await matterpay(['invoices', '--overdue']);
    expect(list.stdout).toMatch(/^QL-7\s.*\$250\.00.*Overdue 45 days$/m);
    expect(list.stdout).not.toMatch(/^CP-1001\s/m);
    const json = JSON.parse((await matterpay(['invoices', '--json'])).stdout).invoices as Array<
      Record<string, unknown>
    >;
    expect(json.find((i) => i.invoiceNumber === 'QL-7')).toMatchObject({ overdue: true, daysPastDue: 45 });
    expect(json.find((i) => i.invoiceNumber === 'CP-1001')).toMatchObject({ overdue: false });

    const aging = await matterpay(['aging', '--by', 'due']);
    expect(aging.stdout).toContain('days past due');
    expect(aging.stdout).toMatch(/^31–60\s+1\s+\$250\.00$/m);
    expect(aging.stdout).toMatch(/^91\+\s+0\s+\$0\.00$/m);
    const agingJson = JSON.parse((await matterpay(['aging', '--by', 'due', '--json'])).stdout);
    expect(agingJson.buckets.map((b: { label: string }) => b.label)).toEqual([
      'current',
      '1–30',
      '31–60',
      '61–90',
      '91+',
    ]);

    const csv = await matterpay(['links', '--csv']);
    expect(csv.status).toBe(0);
    const rows = parse(csv.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(rows.find((r) => r.url === url)).toMatchObject({
      invoice_number: 'QL-7',
      link_status: 'outstanding',
      amount_due: '250.00',
      overdue_days: '45',
    });
    expect(rows.find((r) => r.invoice_number === 'CP-1001')).toMatchObject({
      recipient_name: 'Quinn Quicklink Jr.',
      recipient_email: 'junior@client.test',
      due_date: '2026-12-15',
    });
  });

  it('send-csv --no-email keeps its whole --json shape (a contract for scripts): each link and the file', async () => {
    const file = write('links-json.csv', `matter,description,amount\n${smith.display_number},Courier,18.25\n`);
    const result = await matterpay(['send-csv', file, '--no-email', '--json']);
    expect(result.stderr).toBe('');
    const [number] = JSON.parse(result.stdout).invoices as [string];
    expect(JSON.parse(result.stdout)).toEqual({
      imported: 1,
      alreadyImported: false,
      invoices: [number],
      totalCents: 1_825,
      emailed: false,
      links: [
        {
          invoiceNumber: number,
          url: expect.stringMatching(/^http:\/\/pay\.firm\.test\/pay\/[A-Za-z0-9_-]{43}$/),
          amountDueCents: 1_825,
          dueDate: daysFromToday(30),
        },
      ],
      linksFile: path.join(dir, 'links-json.links.csv'),
    });
  });

  it('quick-link keeps its whole --json shape (a contract for scripts)', async () => {
    const result = await matterpay([
      'quick-link',
      '--matter',
      jones.display_number,
      '--amount',
      '80.00',
      '--invoice-number',
      'QL-JSON',
      '--due',
      daysFromToday(10),
      '--no-email',
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      invoiceNumber: 'QL-JSON',
      matter: jones.display_number,
      amountCents: 8_000,
      amountDueCents: 8_000, // Tess's trust went to her earlier invoices
      dueDate: daysFromToday(10),
      url: expect.stringMatching(/^http:\/\/pay\.firm\.test\/pay\/[A-Za-z0-9_-]{43}$/),
      emailed: false,
    });
  });
});
