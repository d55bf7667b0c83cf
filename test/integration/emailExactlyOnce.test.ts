import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createActivities, type Activities } from '../../activities';
import { createSmtpMailer } from '../../connectors/mail';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';

/**
 * Every email is recorded by key before it is sent (docs/domain.md §4.4), so a retried activity never sends it twice. SMTP has
 * no de-duplication of its own, so this is shown against a real SMTP server (npm `smtp-server`) that keeps every
 * message it accepts, as a mail provider would.
 */
describe('email exactly once, over real SMTP', () => {
  let h: BillingHarness;
  let smtp: SMTPServer;
  let activities: Activities;
  const received: Array<{ to: string; subject: string; messageId: string }> = [];

  useBillingHarness(devServerEnvironment, async (_env, harness) => {
    h = harness;
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream).then((mail) => {
          const to = Array.isArray(mail.to) ? (mail.to[0]?.text ?? '') : (mail.to?.text ?? '');
          received.push({ to, subject: mail.subject ?? '', messageId: mail.messageId ?? '' });
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const { port } = smtp.server.address() as AddressInfo;
    const services = {
      ...h.services,
      mailer: createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'billing@firm.test' }),
    };
    activities = createActivities({ db: h.database.db, firm: () => services });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  });

  it('sends the invoice email and the staff escalation email once, however often the activity is retried', async () => {
    const matter = await h.createMatter({ client: { name: 'Nia Mail', email: 'nia@client.test' } });
    const entry = await h.addEntry(matter.id, 2, 20_000);
    const draft = await activities.draftInvoice({
      firmId: FIRM,
      matterId: String(matter.id),
      matterDisplayNumber: matter.display_number,
      kind: 'hourly',
      period: '2026-11',
      lines: [{ lineKey: `entry:${entry}`, description: 'time', amountCents: 40_000 }],
    });
    const number = draft.invoiceNumber!;
    await activities.issueInvoice({ firmId: FIRM, invoiceNumber: number, nowMs: Date.now() });

    // Temporal retries an activity whose completion it never heard of (a worker died after the send): the same call again.
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await activities.deliverInvoice({ firmId: FIRM, invoiceNumber: number, purpose: 'issued' })).toBe('sent');
      await activities.escalateInvoice({ firmId: FIRM, invoiceNumber: number, daysOverdue: 30 });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(received.filter((m) => m.to === 'nia@client.test')).toHaveLength(1);
    expect(
      received.filter((m) => m.to === 'staff@firm.test' && m.subject.startsWith(`Escalated: invoice ${number}`)),
    ).toHaveLength(1);
    const { rows } = await h.database.db.query(
      `SELECT idempotency_key, state, message_id FROM outbound_messages WHERE firm_id = $1 ORDER BY idempotency_key`,
      [FIRM],
    );
    expect(rows).toEqual([
      { idempotency_key: `${FIRM}/${number}/issued`, state: 'sent', message_id: expect.stringMatching(/^<.+>$/) },
      {
        idempotency_key: `${FIRM}/invoice/${number}/escalated/staff`,
        state: 'sent',
        message_id: expect.stringMatching(/^<.+>$/),
      },
    ]);
  });
});
