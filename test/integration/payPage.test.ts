import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { localDate } from '../../domain/dates';
import { DUE_AT } from '../../shared/searchAttributes';
import { invoiceStatusQuery } from '../../shared/messages';
import { invoiceMemo, workflowIds } from '../../shared/workflowIds';
import { invoice } from '../../workflows';
import { BillingHarness, FIRM, useBillingHarness, type SandboxMatter } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';

/**
 * The pay link's page over HTTP (docs/domain.md §4.4, issue 12): one invoice per link and nothing of any other, the Pay
 * button as an idempotent POST, read-only when cancelled or expired, security headers on the client's pages only;
 * the DueAt search attribute; receipts and staff notices once per payment however often the payment arrives.
 */
describe('the pay page, due dates and receipts', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  let ingressUrl: string;
  const patiently = { timeoutMs: 30_000, everyMs: 100 };
  const TZ = 'America/New_York';

  useBillingHarness(devServerEnvironment, async (started, harness) => {
    env = started;
    h = harness;
    ingressUrl = (await h.startIngress()).url;
  });

  const lawpay = (method: string, pathname: string, body?: unknown) =>
    h.control<Record<string, unknown>>(method, pathname, body, h.lawpay.url);

  /** Until the invoice's email has gone out (the delivery reads the matter once, for it, and records the recipient). */
  const emailed = (invoiceNumber: string) =>
    waitFor(
      async () =>
        (
          await h.database.db.query("SELECT 1 FROM invoices WHERE invoice_number = $1 AND delivery = 'sent'", [
            invoiceNumber,
          ])
        ).rowCount === 1,
      { what: 'the invoice to be emailed', ...patiently },
    );

  /** The sandbox's webhook body for a transaction, as LawPay would post it. */
  async function paymentEvent(transactionId: string): Promise<string> {
    const events = await fetch(`${h.lawpay.url}/v1/events?page_size=200`, {
      headers: { authorization: `Basic ${Buffer.from('sandbox_secret_key:').toString('base64')}` },
    });
    const { results } = (await events.json()) as { results: Array<{ data: { id: string } }> };
    return JSON.stringify(results.find((e) => e.data.id === transactionId));
  }

  /** Pays the invoice at the sandbox and delivers its webhook by hand; resolves once its reconciliation is done. */
  async function paidByHand(invoiceNumber: string, amountCents: number) {
    await lawpay('POST', '/__sandbox/faults', { webhook_drop_rate: 1 });
    const paid = await lawpay('POST', '/__sandbox/pay', { amount_cents: amountCents, reference: invoiceNumber });
    const txn = String(paid.transaction_id);
    expect((await deliver(await paymentEvent(txn))).status).toBe(200);
    await lawpay('POST', '/__sandbox/faults', { webhook_drop_rate: 0 });
    const payment = env.client.workflow.getHandle(workflowIds.paymentReconciliation(FIRM, 'lawpay', txn));
    await payment.result();
    const receipts = (await h.emailsWithAttachments()).filter(
      (m) => m.subject.startsWith('Receipt:') && m.subject.includes(invoiceNumber),
    );
    return { payment, receipts };
  }

  const deliver = (body: string) =>
    fetch(`${ingressUrl}/webhooks/lawpay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  async function issued(matter: SandboxMatter, amountCents: number) {
    const entry = await h.addEntry(matter.id, amountCents / 20_000, 20_000);
    const draft = await h.activities.draftInvoice({
      firmId: FIRM,
      matterId: String(matter.id),
      matterDisplayNumber: matter.display_number,
      kind: 'hourly',
      period: '2026-11',
      lines: [
        {
          lineKey: `entry:${entry}`,
          description: 'Research',
          amountCents,
          date: '2026-11-20',
          seconds: (amountCents / 20_000) * 3600,
          rateCents: 20_000,
        },
      ],
    });
    const number = draft.invoiceNumber!;
    const handle = await env.client.workflow.start(invoice, {
      taskQueue: h.taskQueue,
      workflowId: workflowIds.invoice(FIRM, number),
      memo: invoiceMemo(number, matter.display_number),
      args: [{ firmId: FIRM, invoiceNumber: number, policy: h.policy() }],
    });
    const status = await waitFor(
      async () => {
        const s = await handle.query(invoiceStatusQuery);
        return s.status === 'issued' && s.payLinkUrl ? s : null;
      },
      { what: 'the invoice to be issued', ...patiently },
    );
    const token = status.payLinkUrl!.split('/pay/')[1]!;
    return { number, handle, token, page: `${ingressUrl}/pay/${token}` };
  }

  it('shows its one invoice with the client headers; Pay is a POST that opens one checkout for the balance', async () => {
    const a = await issued(await h.createMatter({ client: { name: 'Ann Pageone', email: 'ann@client.test' } }), 40_000);
    const b = await issued(await h.createMatter({ client: { name: 'Bea Pagetwo', email: 'bea@client.test' } }), 60_000);

    const response = await fetch(a.page, { redirect: 'manual' });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`Invoice ${a.number}`);
    expect(html).toContain('$400.00');
    expect(html).toContain('<form method="post" action="/pay/');
    expect(html).not.toContain(b.number);
    expect(html).not.toContain('<script');
    expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(response.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none';.*style-src 'self'/);
    // The client's pages have a stricter policy of their own than the ingress-wide one (worker/ingress/server.ts).
    expect((await fetch(`${ingressUrl}/healthz`)).headers.get('content-security-policy')).not.toMatch(
      /default-src 'none'/,
    );

    const press = () =>
      fetch(`${a.page}/checkout`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
    const [first, second] = [await press(), await press()];
    expect(first.status).toBe(303);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    const checkout = new URL(first.headers.get('location')!);
    expect(checkout.origin).toBe(new URL(h.lawpay.url).origin);
    expect(checkout.searchParams.get('amount')).toBe('40000');
    expect(checkout.searchParams.get('reference')).toBe(a.number);

    const pdf = await fetch(`${a.page}/invoice.pdf`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect((await pdf.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it('answers 404 to an unknown token, showing no invoice', async () => {
    const response = await fetch(`${ingressUrl}/pay/${'x'.repeat(43)}`);
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain('Payment link not found');
    expect(html).not.toMatch(/Invoice \d/);
    expect(response.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    expect((await fetch(`${ingressUrl}/pay/${'x'.repeat(43)}/invoice.pdf`)).status).toBe(404);
  });

  it('shows a cancelled or expired link read-only and never opens a checkout from it', async () => {
    const cancelled = await issued(
      await h.createMatter({ client: { name: 'Cy Cancelpage', email: 'cy@client.test' } }),
      20_000,
    );
    await h.database.db.query(`UPDATE pay_links SET status = 'cancelled' WHERE token = $1`, [cancelled.token]);
    const page = await fetch(cancelled.page);
    expect(page.status).toBe(410);
    const html = await page.text();
    expect(html).toContain('This payment link was cancelled');
    expect(html).toContain(`Invoice ${cancelled.number}`);
    expect(html).not.toContain('<form');
    const press = await fetch(`${cancelled.page}/checkout`, { method: 'POST', redirect: 'manual' });
    expect(press.status).toBe(303);
    expect(press.headers.get('location')).toBe(`/pay/${cancelled.token}`);

    const expired = await issued(
      await h.createMatter({ client: { name: 'Ed Expirepage', email: 'ed@client.test' } }),
      20_000,
    );
    await h.database.db.query(`UPDATE pay_links SET expires_at = now() - interval '1 day' WHERE token = $1`, [
      expired.token,
    ]);
    const expiredHtml = await (await fetch(expired.page)).text();
    expect(expiredHtml).toContain('This payment link has expired');
    expect(expiredHtml).not.toContain('<form');
  });

  it('publishes DueAt (PAYMENT_TERMS after issue) and shows Overdue once the due date has passed', async () => {
    const inv = await issued(await h.createMatter({ client: { name: 'Di Dueat', email: 'di@client.test' } }), 20_000);
    const row = (await h.invoiceRows()).find((r) => r.invoice_number === inv.number)!;
    const dueAt = row.due_at as Date;
    const issuedDay = localDate((row.issued_at as Date).getTime(), TZ);
    const [y, m, d] = issuedDay.split('-').map(Number) as [number, number, number];
    expect(localDate(dueAt.getTime(), TZ)).toBe(new Date(Date.UTC(y, m - 1, d + 30)).toISOString().slice(0, 10));
    const published = await waitFor(async () => (await inv.handle.describe()).typedSearchAttributes.get(DUE_AT), {
      what: 'DueAt',
      ...patiently,
    });
    expect(published.getTime()).toBe(dueAt.getTime());
    const query = `DueAt < "${new Date(dueAt.getTime() + 86_400_000).toISOString()}" AND AmountDueCents > 0 AND ExecutionStatus = "Running" AND InvoiceNumber = "${inv.number}"`;
    await waitFor(
      async () => {
        for await (const w of env.client.workflow.list({ query }))
          if (w.workflowId === workflowIds.invoice(FIRM, inv.number)) return true;
        return false;
      },
      { what: 'the README filter to find the invoice', ...patiently },
    );

    await h.database.db.query(`UPDATE invoices SET due_at = now() - interval '12 days' WHERE invoice_number = $1`, [
      inv.number,
    ]);
    const html = await (await fetch(inv.page)).text();
    expect(html).toMatch(/Overdue: 1[12] days past due/);
  });

  it('emails one receipt (with its PDF) and one staff notice per payment, however often the payment arrives', async () => {
    await lawpay('POST', '/__sandbox/faults', { webhook_drop_rate: 1 }); // delivered by hand below, three times
    const inv = await issued(await h.createMatter({ client: { name: 'Ro Receipt', email: 'ro@client.test' } }), 80_000);
    await emailed(inv.number); // the client has the invoice's email before paying
    const paid = await lawpay('POST', '/__sandbox/pay', { amount_cents: 30_000, reference: inv.number });
    const txn = String(paid.transaction_id);
    const body = await paymentEvent(txn);
    const matterReads = async () =>
      Object.entries((await h.clioState()).request_counts)
        .filter(([route]) => route.startsWith('GET ') && route.includes('/matters'))
        .reduce((sum, [, count]) => sum + count, 0);
    const matterReadsBefore = await matterReads();
    const deliveries = await Promise.all([1, 2, 3].map(() => deliver(body)));
    expect(deliveries.map((r) => r.status)).toEqual([200, 200, 200]);
    await lawpay('POST', '/__sandbox/faults', { webhook_drop_rate: 0 });

    const forPayment = async () =>
      (await h.emailsWithAttachments()).filter((m) => m.subject.includes(`on invoice ${inv.number}`));
    await waitFor(async () => (await forPayment()).length >= 2, {
      what: 'the receipt and the staff notice',
      ...patiently,
    });
    // Let any duplicate have its chance: the reconciliation workflow for this transaction is finished.
    await env.client.workflow.getHandle(workflowIds.paymentReconciliation(FIRM, 'lawpay', txn)).result();
    const mails = await forPayment();
    expect(mails.map((m) => [m.to, m.subject]).sort()).toEqual([
      ['ro@client.test', `Receipt: $300.00 received on invoice ${inv.number}`],
      ['staff@firm.test', `$300.00 received on invoice ${inv.number}, balance $500.00`],
    ]);
    const receipt = mails.find((m) => m.to === 'ro@client.test')!;
    expect(receipt.text).toContain('Balance after this payment: $500.00');
    expect(receipt.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
    // The receipt goes where the invoice's email went: no practice-system read per payment.
    expect((await matterReads()) - matterReadsBefore).toBe(0);
  });

  it("sends the receipt of an invoice never emailed through an activity of its own, to the practice system's client", async () => {
    const inv = await issued(await h.createMatter({ client: { name: 'Nel Never', email: 'nel@client.test' } }), 60_000);
    await emailed(inv.number);
    // As if it had never been emailed (the firm sent the link by hand): no recipient on record.
    await h.database.db.query(
      'UPDATE invoices SET emailed_to_email = NULL, emailed_to_name = NULL WHERE invoice_number = $1',
      [inv.number],
    );
    const { payment, receipts } = await paidByHand(inv.number, 10_000);
    expect(receipts.map((m) => [m.to, m.subject])).toEqual([
      ['nel@client.test', `Receipt: $100.00 received on invoice ${inv.number}`],
    ]);
    const scheduled = ((await payment.fetchHistory()).events ?? [])
      .filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
    expect(scheduled).toEqual(['sendPaymentReceipt']);
  });

  it('keeps a payment applied and its workflow completed when its receipt cannot be sent, and tells the firm', async () => {
    const inv = await issued(await h.createMatter({ client: { name: 'Gus Gone', email: 'gus@client.test' } }), 60_000);
    await emailed(inv.number);
    // Never emailed, and its matter since deleted in the practice system: the receipt's read of it is refused (404).
    await h.database.db.query(
      `UPDATE invoices SET emailed_to_email = NULL, emailed_to_name = NULL, matter_id = '990099' WHERE invoice_number = $1`,
      [inv.number],
    );
    const { payment, receipts } = await paidByHand(inv.number, 10_000);
    expect(await payment.result()).toMatchObject({ state: 'applied', invoiceNumber: inv.number });
    expect((await payment.describe()).status.name).toBe('COMPLETED');
    expect(receipts).toEqual([]);
    const { rows: ledger } = await h.database.db.query(
      "SELECT amount_cents FROM processed_payments WHERE invoice_number = $1 AND state = 'applied'",
      [inv.number],
    );
    expect(ledger).toEqual([{ amount_cents: 10_000 }]);
    const { rows: alerts } = await h.database.db.query(
      "SELECT message FROM alerts WHERE kind = 'receipt-held' AND resolved_at IS NULL AND message LIKE '%' || $1 || '%'",
      [inv.number],
    );
    expect(alerts).toEqual([
      {
        message: expect.stringMatching(
          new RegExp(`^The receipt for \\$100\\.00 on invoice ${inv.number} was not emailed: .*404.*Send it by hand`),
        ),
      },
    ]);
    const staff = (await h.emailsWithAttachments()).filter((m) =>
      m.subject.startsWith(`$100.00 received on invoice ${inv.number}`),
    );
    expect(staff).toHaveLength(1);
  });

  it('sends the receipt of an invoice never emailed to the address the firm gave for it, inside the payment', async () => {
    const inv = await issued(
      await h.createMatter({ client: { name: 'Ora Override', email: 'ora@client.test' } }),
      60_000,
    );
    await emailed(inv.number);
    await h.database.db.query(
      `UPDATE invoices SET emailed_to_email = NULL, emailed_to_name = NULL, recipient_email = 'billing@ora.test' WHERE invoice_number = $1`,
      [inv.number],
    );
    const { payment, receipts } = await paidByHand(inv.number, 10_000);
    expect(receipts.map((m) => m.to)).toEqual(['billing@ora.test']);
    const scheduled = ((await payment.fetchHistory()).events ?? []).filter(
      (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    );
    expect(scheduled).toEqual([]);
  });

  /**
   * The firm's mail server refuses one address for good (550: a mistyped staff mailbox, a client's closed one) while
   * the payment goes through: returns the payment's workflow handle once its status has settled, or after 20 s.
   */
  async function paidWhileRefusing(invoiceNumber: string, refused: string) {
    const restore = h.refuseMailTo(refused);
    try {
      await lawpay('POST', '/__sandbox/faults', { webhook_drop_rate: 1 });
      const paid = await lawpay('POST', '/__sandbox/pay', { amount_cents: 10_000, reference: invoiceNumber });
      const txn = String(paid.transaction_id);
      expect((await deliver(await paymentEvent(txn))).status).toBe(200);
      await lawpay('POST', '/__sandbox/faults', { webhook_drop_rate: 0 });
      const payment = env.client.workflow.getHandle(workflowIds.paymentReconciliation(FIRM, 'lawpay', txn));
      await waitFor(async () => (await payment.describe()).status.name !== 'RUNNING', {
        what: "the payment's workflow to finish",
        timeoutMs: 20_000,
        everyMs: 200,
      }).catch(() => undefined);
      return payment;
    } finally {
      restore();
    }
  }

  const openAlerts = async (kind: string, invoiceNumber: string) =>
    (
      await h.database.db.query(
        "SELECT message FROM alerts WHERE kind = $1 AND resolved_at IS NULL AND message LIKE '%' || $2 || '%'",
        [kind, invoiceNumber],
      )
    ).rows.map((r) => r.message as string);

  it('completes a payment whose staff notice the mail server refuses for good, and tells the firm which notice', async () => {
    const inv = await issued(await h.createMatter({ client: { name: 'Sol Staff', email: 'sol@client.test' } }), 60_000);
    await emailed(inv.number);
    const payment = await paidWhileRefusing(inv.number, 'staff@firm.test');
    expect((await payment.describe()).status.name).toBe('COMPLETED');
    expect(await payment.result()).toMatchObject({ state: 'applied', invoiceNumber: inv.number });
    const receipts = (await h.emailsWithAttachments()).filter(
      (m) => m.subject.startsWith('Receipt:') && m.subject.includes(inv.number),
    );
    expect(receipts.map((m) => m.to)).toEqual(['sol@client.test']);
    expect(await openAlerts('staff-notice-held', inv.number)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^The staff notice of \\$100\\.00 received on invoice ${inv.number} was not emailed to staff@firm\\.test: .*550.*The payment is applied\\.`,
        ),
      ),
    ]);
  });

  it("sends a payment's receipt and staff notice once the mail server takes matterpay's login again, rather than holding them, and tells the firm meanwhile", async () => {
    const inv = await issued(await h.createMatter({ client: { name: 'Lu Login', email: 'lu@client.test' } }), 60_000);
    await emailed(inv.number);
    const loginAlerts = async () =>
      (
        await h.database.db.query(
          "SELECT message FROM alerts WHERE kind = 'mail-login-refused' AND subject = 'smtp' AND resolved_at IS NULL",
        )
      ).rows.map((r) => r.message as string);
    const restore = h.refuseMailLogin();
    let txn: string;
    try {
      await lawpay('POST', '/__sandbox/faults', { webhook_drop_rate: 1 });
      const paid = await lawpay('POST', '/__sandbox/pay', { amount_cents: 10_000, reference: inv.number });
      txn = String(paid.transaction_id);
      expect((await deliver(await paymentEvent(txn))).status).toBe(200);
      await lawpay('POST', '/__sandbox/faults', { webhook_drop_rate: 0 });
      await waitFor(async () => (await loginAlerts()).length === 1, {
        what: 'an alert that the mail server refuses the login',
        timeoutMs: 30_000,
      });
      const [alert] = await loginAlerts();
      expect(alert).toMatch(/^The mail server refuses matterpay's login or settings \(SMTP 535\): .*SMTP_URL/);
      expect(alert).not.toContain('billing@firm.test');
      expect(await openAlerts('receipt-held', inv.number)).toEqual([]);
      expect(await openAlerts('staff-notice-held', inv.number)).toEqual([]);
    } finally {
      restore();
    }
    const payment = env.client.workflow.getHandle(workflowIds.paymentReconciliation(FIRM, 'lawpay', txn));
    expect(await payment.result()).toMatchObject({ state: 'applied', invoiceNumber: inv.number });
    const sent = (await h.emailsWithAttachments()).filter((m) => m.subject.includes(inv.number));
    expect(sent.filter((m) => m.subject.startsWith('Receipt:')).map((m) => m.to)).toEqual(['lu@client.test']);
    expect(sent.filter((m) => m.subject.startsWith(`$100.00 received on invoice ${inv.number}`))).toHaveLength(1);
    expect(await openAlerts('receipt-held', inv.number)).toEqual([]);
    expect(await loginAlerts()).toEqual([]);
  });

  it("completes a payment whose receipt the client's mail server refuses for good, and tells the firm", async () => {
    const inv = await issued(await h.createMatter({ client: { name: 'Cy Closed', email: 'cy@client.test' } }), 60_000);
    await emailed(inv.number);
    const payment = await paidWhileRefusing(inv.number, 'cy@client.test');
    expect((await payment.describe()).status.name).toBe('COMPLETED');
    expect(await openAlerts('receipt-held', inv.number)).toEqual([
      expect.stringMatching(
        new RegExp(`^The receipt for \\$100\\.00 on invoice ${inv.number} was not emailed: .*550.*Send it by hand`),
      ),
    ]);
    const staff = (await h.emailsWithAttachments()).filter((m) =>
      m.subject.startsWith(`$100.00 received on invoice ${inv.number}`),
    );
    expect(staff).toHaveLength(1);
  });
});
