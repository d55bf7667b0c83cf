import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Payment } from '../../connectors/ports';
import { AMOUNT_DUE_CENTS, ESCALATED, INVOICE_STATUS } from '../../shared/searchAttributes';
import {
  approveUpdate,
  cancelSignal,
  invoiceStatusQuery,
  matterClosedSignal,
  paymentReceivedSignal,
} from '../../shared/messages';
import { invoiceMemo, workflowIds } from '../../shared/workflowIds';
import { invoice } from '../../workflows';
import { waitFor } from '../support/wait';
import { BillingHarness, FIRM, useBillingHarness, type SandboxMatter } from '../support/billing';
import { timeSkippingEnvironment } from '../support/temporal';

/**
 * The invoice lifecycle (docs/domain.md §4.2–§4.5) on real peers: trust first, the pay link, delivery, reminders and
 * escalation, payments. Each test checks what a bookkeeper would: notes on the matter, emails in the outbox,
 * amounts in the store and on the pay link.
 */
describe('invoice: trust first, pay link, delivery, reminders, escalation, payment', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  useBillingHarness(timeSkippingEnvironment, async (started, harness) => {
    env = started;
    h = harness;
  });

  /** Drafts an invoice for the matter's approved time exactly as matterBilling does, then starts its workflow. */
  async function issue(
    matter: SandboxMatter,
    totalHours: number,
    overrides: Parameters<BillingHarness['policy']>[0] = {},
  ) {
    const entry = await h.addEntry(matter.id, totalHours, 20_000);
    const draft = await h.activities.draftInvoice({
      firmId: FIRM,
      matterId: String(matter.id),
      matterDisplayNumber: matter.display_number,
      kind: 'hourly',
      period: '2026-11',
      lines: [{ lineKey: `entry:${entry}`, description: 'time', amountCents: Math.round(totalHours * 20_000) }],
    });
    if (!draft.invoiceNumber) throw new Error('nothing drafted');
    const handle = await env.client.workflow.start(invoice, {
      taskQueue: h.taskQueue,
      workflowId: workflowIds.invoice(FIRM, draft.invoiceNumber),
      args: [{ firmId: FIRM, invoiceNumber: draft.invoiceNumber, policy: h.policy(overrides) }],
      memo: invoiceMemo(draft.invoiceNumber, matter.display_number),
    });
    return { handle, number: draft.invoiceNumber };
  }

  async function settle(handle: Awaited<ReturnType<typeof issue>>['handle']) {
    for (let i = 0; i < 50; i++) {
      const status = await handle.query(invoiceStatusQuery);
      if (status.status !== 'draft' && status.status !== 'awaiting_approval') return status;
      await env.sleep('1 minute');
    }
    throw new Error('invoice never left draft');
  }

  /** The invoice's workflow is still running with its delivery held: returns the one open `delivery-held` alert. */
  async function heldAndRunning(handle: Awaited<ReturnType<typeof issue>>['handle'], number: string) {
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(await handle.query(invoiceStatusQuery)).toMatchObject({ status: 'issued', deliveryHeld: true });
    const { rows } = await h.database.db.query(
      `SELECT message FROM alerts WHERE kind = 'delivery-held' AND subject = $1 AND resolved_at IS NULL`,
      [number],
    );
    expect(rows).toHaveLength(1);
    return rows[0].message as string;
  }

  const emailsTo = async (to: string) => (await h.emails()).filter((e) => e.to === to);

  async function payLinkRedirect(url: string): Promise<URL> {
    const token = url.split('/pay/')[1]!;
    const { rows } = await h.database.db.query('SELECT firm_id, invoice_number FROM pay_links WHERE token = $1', [
      token,
    ]);
    const inv = (await h.invoiceRows()).find((r) => r.invoice_number === rows[0].invoice_number)!;
    const due = Number(inv.total_cents) - Number(inv.trust_applied_cents) - Number(inv.paid_cents);
    const checkout = await h.services.processor.checkoutForLink({
      invoiceNumber: rows[0].invoice_number,
      amountCents: due,
      currency: 'USD',
      reference: rows[0].invoice_number,
      idempotencyKey: 'k',
      clientEmail: null,
      returnUrl: url,
    });
    return new URL(checkout.url);
  }

  it('settles from trust when trust covers it all: no link, no email, no reminders', async () => {
    const matter = await h.createMatter({
      trust_balance_cents: 100_000,
      client: { name: 'Ann Trust', email: 'ann@client.test' },
    });
    const { handle, number } = await issue(matter, 2); // $400, trust $1,000
    await env.sleep('40 days');
    const status = await handle.query(invoiceStatusQuery);
    expect(status).toMatchObject({ status: 'paid', trustAppliedCents: 40_000, amountDueCents: 0, payLinkUrl: null });
    expect(await handle.result()).toMatchObject({ status: 'paid' });
    expect(await emailsTo('ann@client.test')).toEqual([]);
    const { rows: links } = await h.database.db.query('SELECT * FROM pay_links WHERE invoice_number = $1', [number]);
    expect(links).toEqual([]);
    // One note for the moment: drafted, trust drawn and settled.
    expect(await h.noteSubjects(matter.id)).toContain(`Invoice ${number}: drafted; trust draw; paid from trust`);
    const { rows: draws } = await h.database.db.query(
      'SELECT amount_cents, state FROM trust_draws WHERE invoice_number = $1',
      [number],
    );
    expect(draws).toEqual([{ amount_cents: 40_000, state: 'recorded' }]);
  });

  it('asks the client only for what trust cannot cover: the link charges exactly the remainder', async () => {
    const matter = await h.createMatter({
      trust_balance_cents: 15_000,
      client: { name: 'Bo Part', email: 'bo@client.test' },
    });
    const { handle } = await issue(matter, 3); // $600, trust $150
    const status = await settle(handle);
    expect(status).toMatchObject({ status: 'issued', trustAppliedCents: 15_000, amountDueCents: 45_000 });
    const checkout = await payLinkRedirect(status.payLinkUrl!);
    expect(checkout.searchParams.get('amount')).toBe('45000');
    const [email] = await emailsTo('bo@client.test');
    expect(email?.text).toContain('Amount due: $450.00');
    expect(email?.text).toContain(status.payLinkUrl!);
  });

  it("waits for the practice system's trust ledger however long it is down, then draws trust first and issues", async () => {
    const matter = await h.createMatter({
      trust_balance_cents: 15_000,
      client: { name: 'Di Down', email: 'di@client.test' },
    });
    const restore = h.practiceOutage('listTrustLedger');
    let handle: Awaited<ReturnType<typeof issue>>['handle'];
    try {
      ({ handle } = await issue(matter, 3));
      // Longer than the six hours a vendor step is given: the invoice waits, unissued, rather than failing.
      await env.sleep('8 hours');
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect((await handle.query(invoiceStatusQuery)).status).toBe('draft');
    } finally {
      restore();
    }
    const status = await settle(handle);
    expect(status).toMatchObject({ status: 'issued', trustAppliedCents: 15_000, amountDueCents: 45_000 });
  });

  it('voids, without emailing the client or drawing trust, an invoice cancelled while its trust draw waited', async () => {
    const matter = await h.createMatter({
      trust_balance_cents: 15_000,
      client: { name: 'Vi Waiting', email: 'vi@client.test' },
    });
    const restore = h.practiceOutage('listTrustLedger');
    let handle: Awaited<ReturnType<typeof issue>>['handle'];
    let number: string;
    try {
      ({ handle, number } = await issue(matter, 3));
      await env.sleep('1 hour');
      expect((await handle.query(invoiceStatusQuery)).status).toBe('draft');
      // The admin runs `matterpay void` while the practice system is still down.
      await handle.signal(cancelSignal, { reason: 'billed to the wrong matter' });
      await env.sleep('10 minutes');
    } finally {
      restore();
    }
    await env.sleep('1 hour');
    expect(await handle.result()).toMatchObject({ status: 'void' });
    expect(await emailsTo('vi@client.test')).toEqual([]);
    const { rows: draws } = await h.database.db.query(
      'SELECT state FROM trust_draws WHERE firm_id = $1 AND invoice_number = $2',
      [FIRM, number],
    );
    expect(draws.filter((d) => d.state !== 'reversed')).toEqual([]);
    // Nobody was asked to post that draw: the firm is not told to undo it.
    const { rows: trustAlerts } = await h.database.db.query(
      `SELECT kind FROM alerts WHERE kind = 'trust-reversal' AND subject = $1 AND resolved_at IS NULL`,
      [number],
    );
    expect(trustAlerts).toEqual([]);
    const notes = await h.noteSubjects(matter.id);
    expect(notes.filter((subject) => /trust draw|emailed/.test(subject))).toEqual([]);
  });

  it('asks for the whole amount when the matter has no trust', async () => {
    const matter = await h.createMatter({
      trust_balance_cents: 0,
      client: { name: 'Cy None', email: 'cy@client.test' },
    });
    const { handle } = await issue(matter, 2.5);
    const status = await settle(handle);
    expect(status).toMatchObject({ trustAppliedCents: 0, amountDueCents: 50_000 });
    expect((await payLinkRedirect(status.payLinkUrl!)).searchParams.get('amount')).toBe('50000');
  });

  it('never overdraws trust when two invoices of one matter are issued together', async () => {
    const matter = await h.createMatter({
      trust_balance_cents: 50_000,
      client: { name: 'Di Two', email: 'di@client.test' },
    });
    const a = await h.addEntry(matter.id, 2, 20_000);
    const b = await h.addEntry(matter.id, 2, 20_000);
    const numbers: string[] = [];
    for (const [entry, period] of [
      [a, '2026-10'],
      [b, '2026-11'],
    ] as const) {
      const draft = await h.activities.draftInvoice({
        firmId: FIRM,
        matterId: String(matter.id),
        matterDisplayNumber: matter.display_number,
        kind: 'hourly',
        period,
        lines: [{ lineKey: `entry:${entry}`, description: 'time', amountCents: 40_000 }],
      });
      numbers.push(draft.invoiceNumber!);
    }
    const handles = await Promise.all(
      numbers.map((number) =>
        env.client.workflow.start(invoice, {
          taskQueue: h.taskQueue,
          workflowId: workflowIds.invoice(FIRM, number),
          args: [{ firmId: FIRM, invoiceNumber: number, policy: h.policy() }],
        }),
      ),
    );
    const statuses = await Promise.all(handles.map(settle));
    const drawn = statuses.reduce((sum, s) => sum + s.trustAppliedCents, 0);
    expect(drawn).toBe(50_000); // $800 owed, $500 in trust: all of it used, not a cent more
    expect(statuses.map((s) => s.trustAppliedCents).sort()).toEqual([10_000, 40_000]);
  });

  it('reminds at day 7 and 21 and escalates at day 30: note, review flag, Escalated=true', async () => {
    const matter = await h.createMatter({ client: { name: 'Ed Late', email: 'ed@client.test' } });
    const { handle, number } = await issue(matter, 3);
    await settle(handle);
    await env.sleep('6 days');
    expect((await emailsTo('ed@client.test')).map((e) => e.subject)).toEqual([`Invoice ${number}: $600.00 due`]);
    await env.sleep('2 days'); // day 8
    expect((await emailsTo('ed@client.test')).map((e) => e.subject)).toEqual([
      `Invoice ${number}: $600.00 due`,
      `Reminder: invoice ${number} has $600.00 outstanding`,
    ]);
    await env.sleep('14 days'); // day 22
    const reminders = await emailsTo('ed@client.test');
    expect(reminders).toHaveLength(3);
    expect(reminders[2]!.text).toContain('/pay/');
    expect((await handle.query(invoiceStatusQuery)).escalated).toBe(false);
    await env.sleep('9 days'); // day 31
    const status = await handle.query(invoiceStatusQuery);
    expect(status.escalated).toBe(true);
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(ESCALATED)).toBe(true);
    expect(description.typedSearchAttributes.get(INVOICE_STATUS)).toBe('issued');
    expect(description.typedSearchAttributes.get(AMOUNT_DUE_CENTS)).toBe(60_000);
    expect(await h.noteSubjects(matter.id)).toContain(`Invoice ${number}: escalated for attorney review`);
    const clioMatter = (await h.clioState()).matters.find((m) => m.id === matter.id)!;
    expect(clioMatter.custom_fields['matterpay: attorney review']).toBe(true);
    const staffMail = (await emailsTo('staff@firm.test')).filter((e) => e.subject.includes(number));
    expect(staffMail.map((e) => e.subject)).toEqual([`Escalated: invoice ${number} unpaid for 30 days`]);
    expect(await emailsTo('ed@client.test')).toHaveLength(3); // escalation does not email the client
  });

  it('writes its search attributes only when one of them changes, through reminders and daily wake-ups', async () => {
    const matter = await h.createMatter({ client: { name: 'Ugo Upsert', email: 'ugo.upsert@client.test' } });
    const { handle } = await issue(matter, 2);
    await settle(handle);
    await env.sleep('36 days'); // both reminders, the escalation, then daily wake-ups
    const upserts = ((await handle.fetchHistory()).events ?? [])
      .filter((e) => e.upsertWorkflowSearchAttributesEventAttributes)
      .map((e) => {
        const fields = e.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes?.indexedFields ?? {};
        return JSON.stringify(
          Object.fromEntries(
            Object.entries(fields)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([key, payload]) => [key, Buffer.from(payload.data ?? []).toString()]),
          ),
        );
      });
    // Each upsert is an event and a visibility write on the engine: 10,000 open invoices wake every day.
    const repeats = upserts.filter((fields, i) => i > 0 && fields === upserts[i - 1]);
    expect(repeats).toEqual([]);
    expect(upserts.at(-1)).toContain('"DaysOverdue":"36"'); // still written every day the count moves
    expect((await handle.describe()).typedSearchAttributes.get(ESCALATED)).toBe(true);
  });

  it('sends every reminder of a longer schedule, each once; the last step is the escalation', async () => {
    const matter = await h.createMatter({ client: { name: 'Uma Four', email: 'uma@client.test' } });
    const { handle, number } = await issue(matter, 3, {
      reminderScheduleMs: [5, 10, 15, 20].map((d) => d * 86_400_000),
    });
    await settle(handle);
    await env.sleep('21 days');
    const subjects = (await emailsTo('uma@client.test')).map((e) => e.subject);
    expect(subjects.filter((s) => s.startsWith('Reminder:'))).toHaveLength(3);
    const notes = await h.noteSubjects(matter.id);
    for (const n of ['first', 'second', 'third']) expect(notes).toContain(`Invoice ${number}: ${n} reminder emailed`);
    expect(notes).toContain(`Invoice ${number}: escalated for attorney review`);
  });

  it('sends nothing more once the matter closes', async () => {
    const matter = await h.createMatter({ client: { name: 'Flo Closed', email: 'flo@client.test' } });
    const { handle, number } = await issue(matter, 3);
    await settle(handle);
    await env.sleep('3 days');
    await h.control('PATCH', `/__sandbox/matters/${matter.id}`, { status: 'closed' });
    await handle.signal(matterClosedSignal);
    await env.sleep('40 days');
    expect((await emailsTo('flo@client.test')).map((e) => e.subject)).toEqual([`Invoice ${number}: $600.00 due`]);
    expect(await h.noteSubjects(matter.id)).not.toContain(`Invoice ${number}: escalated for attorney review`);
  });

  it('sends nothing more once paid; a partial payment makes the link charge only the new balance', async () => {
    const matter = await h.createMatter({ client: { name: 'Gus Pays', email: 'gus@client.test' } });
    const { handle, number } = await issue(matter, 5); // $1,000
    const issued = await settle(handle);
    const pay = (transactionId: string, amountCents: number) => payInStore(handle, number, transactionId, amountCents);
    await env.sleep('2 days');
    await pay('txn-partial', 30_000);
    await pay('txn-partial', 30_000); // the same payment again changes nothing
    // A payment's signal only wakes the invoice: it reloads its balance from the store.
    await waitFor(async () => (await handle.query(invoiceStatusQuery)).status === 'partially_paid', {
      what: 'the invoice to reload its balance',
    });
    const partial = await handle.query(invoiceStatusQuery);
    expect(partial).toMatchObject({
      status: 'partially_paid',
      paidCents: 30_000,
      amountDueCents: 70_000,
      payLinkUrl: issued.payLinkUrl,
    });
    expect((await payLinkRedirect(issued.payLinkUrl!)).searchParams.get('amount')).toBe('70000');
    await env.sleep('6 days'); // the day-7 reminder asks for the new balance
    expect((await emailsTo('gus@client.test'))[1]?.subject).toBe(`Reminder: invoice ${number} has $700.00 outstanding`);

    await pay('txn-rest', 70_000);
    expect(await handle.result()).toMatchObject({ status: 'paid', amountDueCents: 0, paidCents: 100_000 });
    await env.sleep('40 days');
    expect(await emailsTo('gus@client.test')).toHaveLength(2);
    const { rows } = await h.database.db.query('SELECT status FROM pay_links WHERE invoice_number = $1', [number]);
    expect(rows).toEqual([{ status: 'paid' }]);
    expect(await h.noteSubjects(matter.id)).toContain(`Invoice ${number} paid`);
  });

  it('holds delivery with a note and an alert when the client has no email', async () => {
    const matter = await h.createMatter({ client: { name: 'Hal NoMail', email: null } });
    const { handle, number } = await issue(matter, 3);
    const status = await settle(handle);
    expect(status).toMatchObject({ status: 'issued', deliveryHeld: true });
    expect(await h.noteSubjects(matter.id)).toContain(`Invoice ${number}: drafted; delivery held`);
    const { rows } = await h.database.db.query(`SELECT kind FROM alerts WHERE subject = $1 AND resolved_at IS NULL`, [
      number,
    ]);
    expect(rows).toEqual([{ kind: 'delivery-held' }]);
    expect((await h.invoiceRows()).find((r) => r.invoice_number === number)?.delivery).toBe('held');
  });

  /** A payment (of the whole balance unless an amount is given) applied in the store, and the invoice woken, as a payment's workflow does. */
  async function payInStore(
    handle: Awaited<ReturnType<typeof issue>>['handle'],
    number: string,
    transactionId: string,
    amountCents?: number,
  ) {
    const due = amountCents ?? (await handle.query(invoiceStatusQuery)).amountDueCents;
    const payment: Payment = {
      processor: 'lawpay',
      transactionId,
      kind: 'charge',
      status: 'completed',
      amountCents: due,
      currency: 'USD',
      reference: number,
      accountKind: 'operating',
      occurredAt: new Date().toISOString(),
      chargeTransactionId: null,
      account: null,
    };
    const applied = await h.activities.applyPayment({ firmId: FIRM, payment });
    if (applied.state !== 'applied') throw new Error(applied.reason);
    await handle.signal(paymentReceivedSignal, {
      processor: 'lawpay',
      transactionId,
      kind: 'charge',
      amountCents: due,
      paidCentsAfter: applied.paidCentsAfter,
      amountDueCentsAfter: applied.amountDueCentsAfter,
    });
  }

  it("holds delivery with a note and an alert when the client's mail server refuses the address for good, and stays open for payment", async () => {
    const matter = await h.createMatter({ client: { name: 'Ned Bounce', email: 'ned@client.test' } });
    const restore = h.refuseMailTo('ned@client.test');
    try {
      const { handle, number } = await issue(matter, 3);
      const status = await settle(handle);
      expect(status).toMatchObject({ status: 'issued', deliveryHeld: true });
      const { rows } = await h.database.db.query(
        `SELECT kind, message FROM alerts WHERE subject = $1 AND resolved_at IS NULL`,
        [number],
      );
      expect(rows).toEqual([
        {
          kind: 'delivery-held',
          message: expect.stringMatching(
            new RegExp(`^Invoice ${number} was not emailed: the client's mail server refused ned@client\\.test .*550`),
          ),
        },
      ]);
      expect(await h.noteSubjects(matter.id)).toContain(`Invoice ${number}: drafted; delivery held`);
      await payInStore(handle, number, 'txn-ned');
      expect(await handle.result()).toMatchObject({ status: 'paid', amountDueCents: 0 });
    } finally {
      restore();
    }
  });

  it.each([
    ['the mail server is down', (harness: BillingHarness) => harness.mailOutage(), /421/],
    ["the mail server refuses matterpay's login", (harness: BillingHarness) => harness.refuseMailLogin(), /535/],
  ])(
    'retries the invoice email while %s, then holds it with an alert instead of failing the invoice, and stays open for payment',
    async (_label, fail, code) => {
      const matter = await h.createMatter({ client: { name: 'Oz Outage', email: 'oz@client.test' } });
      const restore = fail(h);
      try {
        const { handle, number } = await issue(matter, 3);
        await settle(handle);
        // Retried for the first hours: nothing is held yet.
        await env.sleep('2 hours');
        expect(await handle.query(invoiceStatusQuery)).toMatchObject({ status: 'issued', deliveryHeld: false });
        // Past the vendor step's six hours the failure would have ended the invoice's workflow.
        await env.sleep('5 hours');
        const held = await heldAndRunning(handle, number);
        expect(held).toMatch(
          new RegExp(`^Invoice ${number} was not emailed: the mail server has not taken it for 5 hours`),
        );
        expect(held).toMatch(code);
        restore();
        await payInStore(handle, number, `txn-${number}`);
        expect(await handle.result()).toMatchObject({ status: 'paid', amountDueCents: 0 });
      } finally {
        restore();
      }
    },
  );

  it('holds a reminder with an alert when the practice system stays down through its last attempts, instead of failing the invoice', async () => {
    const matter = await h.createMatter({ client: { name: 'Cal Clio', email: 'cal@client.test' } });
    const { handle, number } = await issue(matter, 3);
    await settle(handle);
    await env.sleep('6 days');
    const restore = h.practiceOutage('getMatter');
    try {
      await env.sleep('2 days');
      expect(await heldAndRunning(handle, number)).toMatch(
        new RegExp(
          `^Invoice ${number} was not emailed: its matter could not be read from the practice system for 5 hours .*503`,
        ),
      );
    } finally {
      restore();
    }
    await payInStore(handle, number, 'txn-cal');
    expect(await handle.result()).toMatchObject({ status: 'paid', amountDueCents: 0 });
  });

  it('holds a reminder with an alert when its matter is gone from the practice system, and stays open for payment', async () => {
    const matter = await h.createMatter({ client: { name: 'Gil Gone', email: 'gil@client.test' } });
    const { handle, number } = await issue(matter, 3);
    await settle(handle);
    // Deleted in the practice system since it was billed: reading it answers 404.
    await h.database.db.query(`UPDATE invoices SET matter_id = '990099' WHERE invoice_number = $1`, [number]);
    await env.sleep('8 days');
    expect(await handle.query(invoiceStatusQuery)).toMatchObject({ status: 'issued', deliveryHeld: true });
    const { rows } = await h.database.db.query(
      `SELECT message FROM alerts WHERE kind = 'delivery-held' AND subject = $1 AND resolved_at IS NULL`,
      [number],
    );
    expect(rows).toEqual([
      { message: expect.stringMatching(new RegExp(`^Invoice ${number} was not emailed: its matter .*404`)) },
    ]);
    await payInStore(handle, number, 'txn-gil');
    expect(await handle.result()).toMatchObject({ status: 'paid', amountDueCents: 0 });
  });

  it('escalates an overdue invoice whose staff notice the mail server refuses, with an alert, and stays open for payment', async () => {
    const matter = await h.createMatter({ client: { name: 'Ola Overdue', email: 'ola@client.test' } });
    const restore = h.refuseMailTo('staff@firm.test');
    try {
      const { handle, number } = await issue(matter, 3);
      await settle(handle);
      await env.sleep('31 days');
      expect(await handle.query(invoiceStatusQuery)).toMatchObject({ escalated: true, status: 'issued' });
      expect(await h.noteSubjects(matter.id)).toContain(`Invoice ${number}: escalated for attorney review`);
      const { rows } = await h.database.db.query(
        `SELECT kind, message FROM alerts WHERE kind = 'staff-notice-held' AND message LIKE '%' || $1 || '%' AND resolved_at IS NULL`,
        [number],
      );
      expect(rows).toEqual([
        {
          kind: 'staff-notice-held',
          message: expect.stringMatching(
            new RegExp(`^The escalation of invoice ${number} was not emailed to staff@firm\\.test: .*550`),
          ),
        },
      ]);
      await payInStore(handle, number, 'txn-ola');
      expect(await handle.result()).toMatchObject({ status: 'paid', amountDueCents: 0 });
    } finally {
      restore();
    }
  });

  it('escalates an overdue invoice while the mail server is down, holding the staff notice with an alert on its last attempts instead of failing the invoice', async () => {
    const matter = await h.createMatter({ client: { name: 'Ike Idle', email: 'ike@client.test' } });
    const { handle, number } = await issue(matter, 3);
    await settle(handle);
    await env.sleep('29 days');
    const restore = h.mailOutage();
    try {
      await env.sleep('2 days');
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect(await handle.query(invoiceStatusQuery)).toMatchObject({ escalated: true, status: 'issued' });
      const { rows } = await h.database.db.query(
        `SELECT message FROM alerts WHERE kind = 'staff-notice-held' AND subject = $1 AND resolved_at IS NULL`,
        [`${number}/escalated`],
      );
      expect(rows).toEqual([
        {
          message: expect.stringMatching(
            new RegExp(
              `^The escalation of invoice ${number} was not emailed to staff@firm\\.test: the mail server has not taken it for 5 hours .*421`,
            ),
          ),
        },
      ]);
    } finally {
      restore();
    }
    await payInStore(handle, number, 'txn-ike');
    expect(await handle.result()).toMatchObject({ status: 'paid', amountDueCents: 0 });
  });

  it('waits for approval when the firm requires it, and records who approved', async () => {
    const matter = await h.createMatter({
      trust_balance_cents: 10_000,
      client: { name: 'Ida Gate', email: 'ida@client.test' },
    });
    const { handle, number } = await issue(matter, 3, { approval: 'invoice' });
    await env.sleep('3 days');
    expect(await handle.query(invoiceStatusQuery)).toMatchObject({ status: 'awaiting_approval', trustAppliedCents: 0 });
    expect(await emailsTo('ida@client.test')).toEqual([]);
    const { rows: noDraw } = await h.database.db.query('SELECT * FROM trust_draws WHERE invoice_number = $1', [number]);
    expect(noDraw).toEqual([]); // never draw trust for an unapproved invoice
    const approval = await handle.executeUpdate(approveUpdate, { args: [{ approvedBy: 'Pat Partner' }] });
    expect(approval.approvedBy).toBe('Pat Partner');
    const second = await handle
      .executeUpdate(approveUpdate, { args: [{ approvedBy: 'Someone Else' }] })
      .catch((err: Error) => err);
    expect((second as Error & { cause?: Error }).cause?.message).toMatch(
      /already approved by Pat Partner|not awaiting approval/,
    );
    const status = await settle(handle);
    expect(status).toMatchObject({ status: 'issued', approvedBy: 'Pat Partner', trustAppliedCents: 10_000 });
    const row = (await h.invoiceRows()).find((r) => r.invoice_number === number)!;
    expect(row.approved_by).toBe('Pat Partner');
    // The draft was on the matter while it waited; the approval is in the issue's note.
    expect(await h.noteSubjects(matter.id)).toEqual(
      expect.arrayContaining([`Invoice ${number} drafted`, `Invoice ${number}: approved; trust draw; invoice emailed`]),
    );
  });

  it('voids on cancel: entries released, link cancelled', async () => {
    const matter = await h.createMatter({ client: { name: 'Jo Void', email: 'jo@client.test' } });
    const { handle, number } = await issue(matter, 3);
    await settle(handle);
    await handle.signal(cancelSignal, { reason: 'billed in error' });
    await env.sleep('2 days');
    expect(await handle.result()).toMatchObject({ status: 'void' });
    const { rows: lines } = await h.database.db.query('SELECT * FROM invoice_lines WHERE invoice_number = $1', [
      number,
    ]);
    expect(lines).toEqual([]);
    const { rows: links } = await h.database.db.query('SELECT status FROM pay_links WHERE invoice_number = $1', [
      number,
    ]);
    expect(links).toEqual([{ status: 'cancelled' }]);
  });
});
