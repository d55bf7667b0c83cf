import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import { livenessHeartbeats } from '../../worker/liveness';
import { billingPeriod } from '../../domain/dates';
import { MatterLinkRepository } from '../../store/matterLinks';
import type { TrustReport } from '../../domain/trustReconciliation';
import { BillingHarness, FIRM, TEST_MAIL_LOGIN_HOLD, useBillingHarness, type SandboxMatter } from '../support/billing';
import { TEST_SECRET_KEY, testDataConverter } from '../support/codec';
import { devServerEnvironment, uniqueTaskQueue } from '../support/temporal';

/**
 * The trust commands as a bookkeeper runs them (`node bin/matterpay.js …` in its own process) against a worker with
 * the real activities, the Clio- and LawPay-style sandboxes over HTTP, and the store. The walk of issue 9: a draw
 * posted in Clio, a draw not yet posted, a filing fee paid from trust, a LawPay trust deposit missing from Clio.
 */

const BIN = path.resolve(__dirname, '../../bin/matterpay.js');
const TZ = 'America/New_York';
const cliQueue = uniqueTaskQueue('cli-trust');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let env: TestWorkflowEnvironment;
let h: BillingHarness;
let worker: Worker;
let workerConnection: NativeConnection;
let workerRun: Promise<void>;
let workDir: string;

useBillingHarness(devServerEnvironment, async (started, harness) => {
  env = started;
  h = harness;
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-trust-cli-'));
  // The commands' payloads are encrypted as in production: this worker shares their key.
  // Its own connection: the harness closes the environment's when the file ends.
  workerConnection = await NativeConnection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS });
  worker = await Worker.create({
    connection: workerConnection,
    taskQueue: cliQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: h.activities,
    dataConverter: testDataConverter,
    interceptors: { activity: [livenessHeartbeats] },
  });
  workerRun = worker.run();
});

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await workerRun;
  await workerConnection?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

function matterpay(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: h.database.url,
    TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
    TEMPORAL_TASK_QUEUE: cliQueue,
    FIRM_ID: FIRM,
    FIRM_TIMEZONE: TZ,
    PUBLIC_BASE_URL: 'http://pay.firm.test',
    LOG_LEVEL: 'silent',
    MATTERPAY_SECRET_KEYS: TEST_SECRET_KEY,
    // Draws older than a second count as "not posted", so the walk need not wait three days.
    TRUST_POST_WITHIN: '1s',
    ...extraEnv,
  };
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

/** An invoice drafted as matterBilling drafts it, and its trust draw decided by the real activity. */
async function invoiceWithDraw(
  matter: SandboxMatter,
  amountCents: number,
): Promise<{ number: string; drawCents: number }> {
  const entry = await h.addEntry(matter.id, amountCents / 20_000, 20_000);
  const draft = await h.activities.draftInvoice({
    firmId: FIRM,
    matterId: String(matter.id),
    matterDisplayNumber: matter.display_number,
    kind: 'manual',
    period: '2026-11',
    lines: [{ lineKey: `entry:${entry}`, description: 'time', amountCents }],
  });
  const draw = await h.activities.drawTrust({ firmId: FIRM, invoiceNumber: draft.invoiceNumber! });
  await h.activities.issueInvoice({ firmId: FIRM, invoiceNumber: draft.invoiceNumber!, nowMs: Date.now() });
  return { number: draft.invoiceNumber!, drawCents: draw.drawCents };
}

const month = () => billingPeriod(Date.now(), TZ);
const lawpayPay = (body: unknown) => h.control('POST', '/__sandbox/pay', body, h.lawpay.url);

let smith: SandboxMatter;
let jones: SandboxMatter;
let posted: { number: string };
let unposted: { number: string };

describe('matterpay trust-report: the walk of issue 9', () => {
  beforeAll(async () => {
    smith = await h.createMatter({
      trust_balance_cents: 100_000,
      client: { name: 'Sam Smith', email: 'sam@client.test' },
    });
    jones = await h.createMatter({ trust_balance_cents: 0, client: { name: 'Jo Jones', email: 'jo@client.test' } });
    // Mapped in the lookup table, as backfill (or Clio's matter webhook) maps every matter.
    await new MatterLinkRepository(h.database.db).add(FIRM, {
      processor: 'any',
      externalReference: jones.display_number,
      practiceMatterId: String(jones.id),
      matterDisplayNumber: jones.display_number,
      source: 'backfill',
    });
    const kim = await h.createMatter({
      trust_balance_cents: 10_000,
      client: { name: 'Kim Over', email: 'kim@client.test' },
    });
    const lee = await h.createMatter({
      trust_balance_cents: 0,
      client: { name: 'Lee Posted', email: 'lee@client.test' },
    });

    posted = await invoiceWithDraw(smith, 40_000);
    await h.control('POST', `/__sandbox/trust/${smith.id}/apply`, {
      amount_cents: 40_000,
      description: `Trust applied to invoice ${posted.number}`,
    });
    unposted = await invoiceWithDraw(smith, 20_000);
    await h.control('POST', `/__sandbox/trust/${smith.id}/withdraw`, {
      amount_cents: 15_000,
      description: 'Court filing fee',
    });
    // A retainer paid on LawPay's trust page: never entered in Clio.
    await lawpayPay({ amount_cents: 250_000, reference: jones.display_number, account: 'trust' });
    // One that was entered in Clio: reconciles.
    await lawpayPay({ amount_cents: 30_000, reference: lee.display_number, account: 'trust' });
    await h.control('POST', `/__sandbox/trust/${lee.id}/deposit`, {
      amount_cents: 30_000,
      description: 'Retainer via LawPay',
    });
    // A bookkeeper's mistake: a cheque larger than the client's funds.
    await h.control('POST', `/__sandbox/trust/${kim.id}/withdraw`, {
      amount_cents: 25_000,
      description: 'Cheque 1042 to expert',
    });
    await new Promise((r) => setTimeout(r, 1_100)); // past TRUST_POST_WITHIN=1s
  });

  it('shows the ledger, the draws and the processor per matter, and flags each line that does not reconcile', async () => {
    const result = await matterpay(['trust-report', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as TrustReport & { signed: unknown };
    const line = (m: SandboxMatter) => report.matters.find((l) => l.matterId === String(m.id))!;

    expect(line(smith).ledger).toEqual({
      openingCents: 0,
      depositsCents: 100_000,
      withdrawalsCents: 55_000,
      closingCents: 45_000,
    });
    expect(line(smith).draws).toEqual({
      recorded: { count: 1, amountCents: 20_000 },
      confirmed: { count: 1, amountCents: 40_000 },
      reversed: { count: 0, amountCents: 0 },
    });
    expect(line(smith).otherWithdrawals).toEqual([
      expect.objectContaining({ amountCents: 15_000, description: 'Court filing fee' }),
    ]);
    expect(line(jones).processorDeposits).toEqual({ count: 1, amountCents: 250_000 });
    expect(report.flags.map((f) => [f.matterDisplayNumber, f.reason, f.amountCents]).sort()).toEqual(
      [
        [smith.display_number, 'draw-not-posted', 20_000],
        [jones.display_number, 'processor-deposit-missing-from-ledger', 250_000],
        [expect.stringContaining('Over'), 'negative-client-balance', -15_000],
        [expect.stringContaining('Over'), 'withdrawal-exceeds-balance', 25_000],
      ].sort(),
    );
    expect(report.flags.find((f) => f.reason === 'draw-not-posted')!.detail).toContain(unposted.number);
    const { rows } = await h.database.db.query(
      'SELECT state, ledger_entry_id FROM trust_draws WHERE invoice_number = $1',
      [posted.number],
    );
    expect(rows[0]).toMatchObject({ state: 'confirmed', ledger_entry_id: expect.any(String) });
  });

  it('prints the same for a person, and as CSV for a spreadsheet', async () => {
    const human = await matterpay(['trust-report']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`Trust reconciliation of ${FIRM} for ${month()}`);
    expect(human.stdout).toContain('FLAGGED: 4 lines do not reconcile:');
    expect(human.stdout).toMatch(/draw not posted\s+\$200\.00/);
    expect(human.stdout).toMatch(/deposit missing from ledger\s+\$2,500\.00/);
    expect(human.stdout).toMatch(/Court filing fee/);
    process.stdout.write(`\n--- matterpay trust-report ---\n${human.stdout}\n`);
    const csv = await matterpay(['trust-report', '--csv']);
    expect(csv.code).toBe(0);
    const [header, ...rows] = csv.stdout.trim().split('\n');
    expect(header).toBe(
      'month,matter,matter_id,opening,deposits,withdrawals,closing,draws_unconfirmed,draws_confirmed,draws_reversed,processor_trust_deposits,flags',
    );
    expect(rows.find((r) => r.includes(smith.display_number))).toContain(
      ',0.00,1000.00,550.00,450.00,200.00,400.00,0.00,0.00,',
    );
  });

  it('refuses to sign a month with flagged lines, and signs it with --with-exceptions', async () => {
    const refused = await matterpay(['trust-report', '--sign-off', 'Pat Bookkeeper']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      `not signed: 4 line(s) of ${month()} are flagged. Resolve them, or sign with --with-exceptions to record them as known exceptions.`,
    );
    const { rows: none } = await h.database.db.query('SELECT * FROM trust_reconciliations');
    expect(none).toEqual([]);
    const signed = await matterpay(['trust-report', '--sign-off', 'Pat Bookkeeper', '--with-exceptions']);
    expect(signed.code).toBe(0);
    expect(signed.stdout).toContain(`Signed ${month()} as revision 1 by Pat Bookkeeper with 4 exception(s).`);
  });

  it('records an admin confirming or reversing a draw by hand, with who', async () => {
    const { rows } = await h.database.db.query('SELECT id FROM trust_draws WHERE invoice_number = $1', [
      unposted.number,
    ]);
    const id = String(rows[0].id);
    const confirmed = await matterpay(['trust', 'confirm', id, '--by', 'Pat Bookkeeper', '--json']);
    expect(confirmed.code).toBe(0);
    expect(JSON.parse(confirmed.stdout)).toMatchObject({
      state: 'confirmed',
      confirmedBy: 'Pat Bookkeeper',
      ledgerEntryId: null,
    });
    const again = await matterpay(['trust', 'confirm', id, '--by', 'Pat Bookkeeper']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^draw \d+ is confirmed by Pat Bookkeeper at .+: nothing to confirm$/m);
    const reversed = await matterpay(['trust', 'reverse', id, '--by', 'Ann Attorney']);
    expect(reversed.code).toBe(0);
    expect(reversed.stdout).toMatch(/is now reversed by Ann Attorney at /);
    const missing = await matterpay(['trust', 'reverse', '99999', '--by', 'Ann Attorney']);
    expect(missing.code).toBe(1);
    const noName = await matterpay(['trust', 'reverse', id]);
    expect(noName.stderr).toContain("required option '--by <name>' not specified");
  });
});

describe('matterpay trust-report --bank-balance: the three-way check, and a signed month is a snapshot', () => {
  let estate: SandboxMatter;
  beforeAll(async () => {
    estate = await h.createMatter({ trust_balance_cents: 0, client: { name: 'Eve Estate', email: 'eve@client.test' } });
    const post = (kind: 'deposit' | 'withdraw', amount: number, date: string, description: string) =>
      h.control('POST', `/__sandbox/trust/${estate.id}/${kind}`, { amount_cents: amount, description, date });
    await post('deposit', 500_000, '2026-10-05', 'Settlement funds');
    await post('withdraw', 120_000, '2026-10-20', 'Recording fees');
    await post('deposit', 70_000, '2026-10-30', 'Second settlement cheque');
    await post('withdraw', 20_000, '2026-10-31', 'Cheque 2001');
  });

  it('adjusts the bank balance by the journal lines after the statement date; the three figures agree', async () => {
    const result = await matterpay([
      'trust-report',
      '--month',
      '2026-10',
      '--bank-balance',
      '$3,800.00',
      '--statement-date',
      '2026-10-28',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as TrustReport;
    expect(report.threeWay).toMatchObject({
      statementBalanceCents: 380_000,
      adjustedBankBalanceCents: 430_000,
      journalBalanceCents: 430_000,
      clientLedgersCents: 430_000,
      balanced: true,
      differences: [],
    });
    expect(report.threeWay!.reconcilingItems.map((i) => [i.kind, i.amountCents])).toEqual([
      ['deposit in transit', 70_000],
      ['outstanding withdrawal', 20_000],
    ]);
    expect(report.flags).toEqual([]);
  });

  it('flags and explains a bank balance that does not agree', async () => {
    const result = await matterpay([
      'trust-report',
      '--month',
      '2026-10',
      '--bank-balance',
      '3700',
      '--statement-date',
      '2026-10-28',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'Difference: the adjusted bank balance $4,200.00 differs from the trust journal $4,300.00 by -$100.00',
    );
    expect(result.stdout).toMatch(/bank difference\s+-\$100\.00/);
  });

  it('says what is wrong with the bank figures', async () => {
    const lone = await matterpay(['trust-report', '--month', '2026-10', '--bank-balance', '3700']);
    expect(lone.code).toBe(2);
    expect(lone.stderr.trim()).toBe(
      '--bank-balance and --statement-date go together: the ending balance and the date of the same bank statement',
    );
    const badAmount = await matterpay(['trust-report', '--bank-balance', '37,00', '--statement-date', '2026-10-28']);
    expect(badAmount.stderr).toContain('an amount is dollars and cents');
    const outside = await matterpay([
      'trust-report',
      '--month',
      '2026-10',
      '--bank-balance',
      '3700',
      '--statement-date',
      '2026-11-02',
    ]);
    expect(outside.stderr.trim()).toBe(
      'the statement date 2026-11-02 is not in 2026-10: report the month the statement closes',
    );
  });

  it('prints a signed month unchanged after the sandbox ledger is edited', async () => {
    const signed = await matterpay([
      'trust-report',
      '--month',
      '2026-10',
      '--bank-balance',
      '3800',
      '--statement-date',
      '2026-10-28',
      '--sign-off',
      'Pat Bookkeeper',
      '--json',
    ]);
    expect(signed.code).toBe(0);
    const atSignOff = JSON.parse(signed.stdout) as TrustReport & { signed: { signedBy: string; revision: number } };
    expect(atSignOff.signed).toMatchObject({ signedBy: 'Pat Bookkeeper', revision: 1 });

    // Later, someone back-dates a withdrawal into the signed month.
    await h.control('POST', `/__sandbox/trust/${estate.id}/withdraw`, {
      amount_cents: 99_900,
      description: 'Late entry',
      date: '2026-10-15',
    });

    const later = JSON.parse(
      (await matterpay(['trust-report', '--month', '2026-10', '--json'])).stdout,
    ) as typeof atSignOff;
    expect(later).toEqual(atSignOff);
    expect(later.matters.find((m) => m.matterId === String(estate.id))!.ledger.closingCents).toBe(430_000);
    const printed = await matterpay(['trust-report', '--month', '2026-10']);
    expect(printed.stdout).toMatch(
      /^SIGNED by Pat Bookkeeper at .+ \(revision 1\): the month as it was signed; later changes do not alter it\.$/m,
    );
    expect(printed.stdout).not.toContain('Late entry');
    const tamper = await h.database.db
      .query('UPDATE trust_reconciliations SET signed_by = $1', ['Someone Else'])
      .catch((err: Error) => err);
    expect(String(tamper)).toContain('a signed trust reconciliation is never changed');
  });
});

describe('matterpay trust-statements', () => {
  it("says at once that no worker is taking its work, instead of waiting out the workflow's 30 minutes", async () => {
    const started = Date.now();
    const run = await matterpay(['trust-statements'], { TEMPORAL_TASK_QUEUE: `${cliQueue}-nobody-polls` });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `trust statements not sent: no matterpay worker is taking work from task queue ${cliQueue}-nobody-polls. Start one (\`npm start\`, or \`matterpay worker\` with the same TEMPORAL_TASK_QUEUE) and run the command again.`,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);

  it('names the step that failed and why, rather than asking whether a worker runs', async () => {
    const run = await matterpay(['trust-statements'], { FIRM_ID: 'a-firm-this-worker-does-not-serve' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^trust statements not sent: its step \w+ failed: firm a-firm-this-worker-does-not-serve is not configured on this deployment \(workflow \S+ in the Temporal UI shows it\)\n$/,
    );
    expect(run.stderr).not.toContain('is a matterpay worker running');
  }, 60_000);

  it('holds, with an alert, the statement of a client whose mail server refuses it for good, and sends the others', async () => {
    const restore = h.refuseMailTo('sam@client.test');
    try {
      const run = await matterpay(['trust-statements', '--json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const { statements } = JSON.parse(run.stdout) as {
        statements: Array<{ matterId: string; outcome: string; reason?: string }>;
      };
      expect(statements.find((s) => s.matterId === String(smith.id))).toEqual({
        matterId: String(smith.id),
        outcome: 'held',
        reason: expect.stringMatching(/^the client's mail server refused sam@client\.test .*550/),
      });
      const { rows } = await h.database.db.query(
        "SELECT message FROM alerts WHERE kind = 'trust-statement-held' AND subject LIKE '%/' || $1 AND resolved_at IS NULL",
        [String(smith.id)],
      );
      expect(rows).toHaveLength(1);
    } finally {
      restore();
    }
  });

  it("holds the statements while the mail server refuses matterpay's login, and sends them when run again once it takes it", async () => {
    const restore = h.refuseMailLogin();
    let first: Run;
    try {
      first = await matterpay(['trust-statements', '--json']);
    } finally {
      restore();
    }
    expect(first.code).toBe(0);
    type Outcomes = { statements: Array<{ matterId: string; outcome: string; reason?: string }> };
    // Statements sent by an earlier run stay sent; every other one waits for the login (Sam's, held by the test above).
    const run = (JSON.parse(first.stdout) as Outcomes).statements;
    const held = run.filter((s) => s.outcome === 'held');
    expect(held.map((s) => s.matterId)).toContain(String(smith.id));
    expect(run.filter((s) => s.outcome !== 'held' && s.outcome !== 'sent' && s.outcome !== 'no activity')).toEqual([]);
    for (const statement of held)
      expect(statement.reason).toMatch(/refuses matterpay's login \(535\).*run `matterpay trust-statements` again/);
    // As the admin would, after the hold the alert describes: a run within it is held again (CI once ran it sooner).
    await new Promise((resolve) => setTimeout(resolve, TEST_MAIL_LOGIN_HOLD.longestHoldMs));
    const again = await matterpay(['trust-statements', '--json']);
    const outcomes = (JSON.parse(again.stdout) as Outcomes).statements;
    for (const statement of held)
      expect(outcomes.find((o) => o.matterId === statement.matterId)).toMatchObject({ outcome: 'sent' });
  });

  it('emails each client with trust activity a statement that is never payable', async () => {
    const first = await matterpay(['trust-statements', '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const outcome = JSON.parse(first.stdout) as { statements: Array<{ matterId: string; outcome: string }> };
    expect(outcome.statements).toEqual(
      expect.arrayContaining([expect.objectContaining({ matterId: String(smith.id), outcome: 'sent' })]),
    );
    await matterpay(['trust-statements']); // a second run sends nothing twice

    const statements = (await h.emails()).filter((e) => e.subject.startsWith('Trust statement'));
    const toSmith = statements.filter((e) => e.to === 'sam@client.test');
    expect(toSmith).toHaveLength(1);
    const text = toSmith[0]!.text;
    process.stdout.write(`\n--- trust statement email ---\nSubject: ${toSmith[0]!.subject}\n\n${text}\n`);
    expect(text).toContain(`Opening balance on ${month()}-01: $0.00`);
    expect(text).toContain(`applied to invoice ${posted.number}`);
    expect(text).toContain('Court filing fee');
    expect(text).toMatch(/Closing balance on .+: \$450\.00/);
    for (const statement of statements) {
      expect(statement.text).not.toMatch(/\/pay\//);
      expect(statement.text).not.toMatch(/https?:\/\//);
      expect(`${statement.subject}\n${statement.text}`).not.toMatch(/\bpay(able|ment)?\b/i);
    }
  });
});
