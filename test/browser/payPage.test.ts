/**
 * The client's side in a real browser (issue 12): open the pay link from the outbox email, see the invoice and its
 * lines, pay part of it elsewhere, press Pay, pay the rest on the LawPay-style hosted page, come back, see Paid and
 * download the receipt. Screenshots at desktop and phone widths go to .data/pay-page/; axe-core checks each state.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, Page } from 'puppeteer-core';
import { invoiceStatusQuery } from '../../shared/messages';
import { invoiceMemo, workflowIds } from '../../shared/workflowIds';
import { invoice } from '../../workflows';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { axeViolations, DESKTOP, launchChromium, PHONE } from '../support/browser';
import { devServerEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';

/** The few DOM properties read here (the project's type check has no DOM library). */
type El = {
  innerText: string;
  textContent: string | null;
  value: string;
  readOnly: boolean;
  href: string;
  getAttribute(name: string): string | null;
  querySelectorAll(s: string): ArrayLike<El>;
};

const ARTEFACTS = path.resolve(__dirname, '../../.data/pay-page');
const patiently = { timeoutMs: 30_000, everyMs: 100 };

function pdfText(pdf: Buffer): string | null {
  try {
    return execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
  } catch {
    return null; // poppler-utils not installed: the PDF's bytes are still checked
  }
}

describe('the hosted invoice page in Chromium', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  let ingressUrl: string;
  let browser: Browser;
  useBillingHarness(devServerEnvironment, async (started, harness) => {
    env = started;
    h = harness;
    h.services.clientFacing = {
      firmName: 'Smith & Partners LLP',
      emailMessage: 'Thank you for trusting us with your estate.',
      disclaimer: 'Card payments go to our operating account. Trust funds are never used for card fees.',
    };
    h.services.paymentTermsDays = 30;
    ingressUrl = (await h.startIngress()).url;
    await h.control('POST', '/__sandbox/webhooks', { url: `${ingressUrl}/webhooks/lawpay` }, h.lawpay.url);
    browser = await launchChromium();
    fs.mkdirSync(ARTEFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function shoot(page: Page, state: string): Promise<void> {
    for (const [width, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      await page.setViewport(viewport);
      await page.screenshot({ path: path.join(ARTEFACTS, `${state}-${width}.png`), fullPage: true });
    }
    await page.setViewport(DESKTOP);
  }

  async function accessible(page: Page, state: string): Promise<void> {
    const violations = await axeViolations(page);
    fs.writeFileSync(path.join(ARTEFACTS, `axe-${state}.json`), `${JSON.stringify(violations, null, 2)}\n`);
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  }

  const text = (page: Page, selector: string) => page.$eval(selector, (e) => (e as unknown as El).innerText.trim());
  const invoiceRow = async (number: string) => (await h.invoiceRows()).find((r) => r.invoice_number === number)!;

  it('opens from the email, shows the lines, takes a payment through Pay, then shows Paid with receipts', async () => {
    const matter = await h.createMatter({
      description: 'Estate of Smith',
      trust_balance_cents: 10_000,
      client: { name: 'Jane Pagewood', email: 'jane@client.test' },
    });
    await h.control('POST', '/__sandbox/activities', {
      matter_id: matter.id,
      hours: 2,
      rate_cents: 25_000,
      note: 'Drafted the will',
    });
    await h.control('POST', '/__sandbox/activities', {
      matter_id: matter.id,
      hours: 1,
      rate_cents: 25_000,
      note: 'Client meeting',
    });
    const evaluation = await h.activities.evaluateMatter({
      firmId: FIRM,
      matterId: String(matter.id),
      thresholdCents: 50_000,
      billingDateReached: false,
      nowMs: Date.now(),
    });
    const draft = await h.activities.draftInvoice({
      firmId: FIRM,
      matterId: String(matter.id),
      matterDisplayNumber: matter.display_number,
      kind: 'hourly',
      period: evaluation.period,
      lines: evaluation.lines,
    });
    const number = draft.invoiceNumber!;
    const handle = await env.client.workflow.start(invoice, {
      taskQueue: h.taskQueue,
      workflowId: workflowIds.invoice(FIRM, number),
      memo: invoiceMemo(number, matter.display_number),
      args: [{ firmId: FIRM, invoiceNumber: number, policy: h.policy() }],
    });
    await waitFor(async () => (await h.emailsWithAttachments()).some((m) => m.to === 'jane@client.test'), {
      what: 'the invoice email',
      ...patiently,
    });

    // The email carries the link to the page and the invoice PDF.
    const [invoiceMail] = (await h.emailsWithAttachments()).filter((m) => m.to === 'jane@client.test');
    expect(invoiceMail!.text).toContain('Thank you for trusting us with your estate.');
    expect(invoiceMail!.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [`invoice-${number}.pdf`, 'application/pdf'],
    ]);
    fs.writeFileSync(path.join(ARTEFACTS, `outbox-invoice-${number}.pdf`), invoiceMail!.attachments[0]!.content);
    const invoiceText = pdfText(invoiceMail!.attachments[0]!.content);
    if (invoiceText !== null) {
      expect(invoiceText).toContain(`Invoice ${number}`);
      expect(invoiceText).toMatch(/Drafted the will/);
      expect(invoiceText).toMatch(/Balance due\s+\$650\.00/);
    }
    const link = /View and pay online: (\S+)/.exec(invoiceMail!.text)![1]!.replace('http://pay.firm.test', ingressUrl);

    const page = await browser.newPage();
    await page.setViewport(DESKTOP);
    const opened = await page.goto(link, { waitUntil: 'load' });
    expect(opened!.status()).toBe(200);
    expect(opened!.headers()['x-robots-tag']).toBe('noindex, nofollow');
    expect(opened!.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await text(page, 'h1')).toBe(`Invoice ${number}`);
    expect(await text(page, '#invoice-status')).toMatch(/Unpaid$/);
    expect(await text(page, '#balance-due')).toBe('$650.00');
    const lines = await page.$$eval('#invoice-lines tbody tr', (rows) =>
      rows.map((r) => Array.from((r as unknown as El).querySelectorAll('td')).map((td) => td.textContent!.trim())),
    );
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.slice(2))).toEqual(
      expect.arrayContaining([
        ['2.00', '$250.00/h', '$500.00'],
        ['1.00', '$250.00/h', '$250.00'],
      ]),
    );
    expect(lines.map((l) => l[1]).join(' ')).toContain('Drafted the will');
    expect(await text(page, '#totals')).toContain('Paid from trust');
    expect(await page.$eval('meta[name=robots]', (m) => (m as unknown as El).getAttribute('content'))).toBe(
      'noindex, nofollow',
    );
    await shoot(page, 'unpaid');
    await accessible(page, 'unpaid');

    // A partial payment arrives by another way (the processor's own page, a phone call): the page follows it.
    await h.control('POST', '/__sandbox/pay', { amount_cents: 20_000, reference: number }, h.lawpay.url);
    await waitFor(async () => Number((await invoiceRow(number)).paid_cents) === 20_000, {
      what: 'the partial payment',
      ...patiently,
    });
    await page.goto(link, { waitUntil: 'load' });
    expect(await text(page, '#invoice-status')).toMatch(/Partially paid$/);
    expect(await text(page, '#balance-due')).toBe('$450.00');
    expect(await page.$$eval('#payments tbody tr', (rows) => rows.length)).toBe(1);
    await shoot(page, 'partially-paid');
    await accessible(page, 'partially-paid');

    // Pay: the processor's hosted page, for the balance due now, amount locked.
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#pay-button')]);
    expect(page.url()).toContain(h.lawpay.url);
    expect(await page.$eval('#amount', (e) => [(e as unknown as El).value, (e as unknown as El).readOnly])).toEqual([
      '450.00',
      true,
    ]);
    expect(await page.$eval('#reference', (e) => (e as unknown as El).value)).toBe(number);
    await page.type('#name', 'Jane Pagewood');
    await page.type('#card_number', '4111 1111 1111 1111');
    await page.type('#exp_month', '12');
    await page.type('#exp_year', '2030');
    await page.type('#cvv', '123');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[type=submit]')]);
    expect(await text(page, 'h1')).toBe('Payment received');

    // Back on the link: Paid, read-only, with a receipt for each payment.
    expect(await handle.result()).toMatchObject({ status: 'paid', amountDueCents: 0 });
    await page.goto(link, { waitUntil: 'load' });
    expect(await text(page, '#invoice-status')).toMatch(/Paid$/);
    expect(await text(page, '#notice')).toContain('This invoice is paid');
    expect(await page.$('#pay-button')).toBeNull();
    const receiptLinks = await page.$$eval('#payments a', (as) => as.map((a) => (a as unknown as El).href));
    expect(receiptLinks).toHaveLength(2);
    await shoot(page, 'paid');
    await accessible(page, 'paid');

    const download = await fetch(receiptLinks[1]!);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="receipt-/);
    const receiptText = pdfText(Buffer.from(await download.arrayBuffer()));
    if (receiptText !== null) {
      expect(receiptText).toMatch(/Amount received\s+\$450\.00/);
      expect(receiptText).toMatch(/Balance after this payment\s+\$0\.00/);
    }

    // Exactly one receipt email per payment (with its PDF) and one staff notice per payment.
    await waitFor(
      async () => (await h.emailsWithAttachments()).filter((m) => m.subject.startsWith('Receipt:')).length === 2,
      { what: 'two receipts', ...patiently },
    );
    await waitFor(
      async () => (await h.emailsWithAttachments()).filter((m) => m.to === 'staff@firm.test').length === 2,
      { what: 'two staff notices', ...patiently },
    );
    const mails = await h.emailsWithAttachments();
    const receipts = mails.filter((m) => m.subject.startsWith('Receipt:'));
    expect(receipts.map((m) => [m.to, m.subject]).sort()).toEqual([
      ['jane@client.test', `Receipt: $200.00 received on invoice ${number}`],
      ['jane@client.test', `Receipt: $450.00 received on invoice ${number}`],
    ]);
    for (const receipt of receipts) expect(receipt.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
    const last = receipts.find((m) => m.subject.includes('$450.00'))!;
    fs.writeFileSync(path.join(ARTEFACTS, `outbox-${last.attachments[0]!.filename}`), last.attachments[0]!.content);
    expect(
      mails
        .filter((m) => m.to === 'staff@firm.test')
        .map((m) => m.subject)
        .sort(),
    ).toEqual([
      `$200.00 received on invoice ${number}, balance $450.00`,
      `$450.00 received on invoice ${number}, balance $0.00`,
    ]);
    await page.close();
  });
});
