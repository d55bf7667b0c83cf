import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { FIRST_LOGIN_HOLD_MS, LONGEST_LOGIN_HOLD_MS, MailLoginHold } from '../../activities/mailLoginHold';
import { MailLoginRefusedError, recordedMailer } from '../../activities/messages';
import { createSmtpMailer } from '../../connectors/mail';
import type { MailMessage } from '../../connectors/ports';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * A mail server that refuses a login, again and again, locks the account (Microsoft 365 and Google both do, after a
 * handful of failures): the firm's own mailbox, which its staff use, goes dark. Every queued message retrying on its
 * own would try that login once per message per retry, so a refused login holds every login for the firm for a while
 * (docs/domain.md §4.4), shown here against a real SMTP server that counts the logins it is offered.
 */
describe('a refused mail login is not tried again for every waiting message', () => {
  const FIRM = 'firm-login';
  let database: TestDatabase;
  let smtp: SMTPServer;
  let port: number;
  let acceptLogin = false;
  const logins: string[] = [];
  const delivered: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = new SMTPServer({
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth(auth, _session, callback) {
        logins.push(auth.username ?? '');
        if (acceptLogin) return callback(null, { user: auth.username });
        return callback(Object.assign(new Error('5.7.8 Authentication failed'), { responseCode: 535 }));
      },
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          delivered.push(session.envelope.rcptTo.map((r) => r.address).join(','));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
    await database?.drop();
  });

  const message = (n: number): MailMessage => ({
    to: `client${n}@client.test`,
    subject: `Receipt ${n}`,
    text: 'Thank you.',
    idempotencyKey: `${FIRM}/receipt/${n}`,
  });

  const openLoginAlerts = async () =>
    (
      await database.db.query(
        `SELECT message FROM alerts WHERE firm_id = $1 AND kind = 'mail-login-refused' AND resolved_at IS NULL`,
        [FIRM],
      )
    ).rows.map((r) => r.message as string);

  it('offers the server one login per hold, however many messages wait, and sends them all once it takes it', async () => {
    let nowMs = Date.parse('2026-12-03T15:00:00Z');
    const hold = new MailLoginHold({ now: () => nowMs });
    const inner = createSmtpMailer({
      url: `smtp://billing%40firm.test:wrong@127.0.0.1:${port}`,
      from: 'billing@firm.test',
    });
    const mailer = recordedMailer(database.db, FIRM, inner, hold);
    const sendAll = () => Promise.allSettled([1, 2, 3, 4, 5].map((n) => mailer.send(message(n))));

    const first = await Promise.allSettled([mailer.send(message(1))]);
    expect(first[0]).toMatchObject({ status: 'rejected', reason: expect.any(MailLoginRefusedError) });
    for (let retry = 0; retry < 3; retry++) {
      for (const r of await sendAll()) expect(r).toMatchObject({ reason: expect.any(MailLoginRefusedError) });
    }
    expect(logins).toHaveLength(1);
    const [alert] = await openLoginAlerts();
    expect(alert).toMatch(/SMTP 535.*offers the login again after a minute, then at most every 15 minutes/);
    expect(alert).not.toMatch(/billing@firm\.test|wrong/);

    // The hold runs out: one message offers the login, the others wait for its answer; refused again, it doubles.
    nowMs += FIRST_LOGIN_HOLD_MS;
    await sendAll();
    expect(logins).toHaveLength(2);
    nowMs += FIRST_LOGIN_HOLD_MS;
    await sendAll();
    expect(logins).toHaveLength(2);
    nowMs += FIRST_LOGIN_HOLD_MS;
    await sendAll();
    expect(logins).toHaveLength(3);
    for (let hour = 0; hour < 4; hour++) {
      nowMs += LONGEST_LOGIN_HOLD_MS;
      await sendAll();
    }
    expect(logins).toHaveLength(7);
    expect(delivered).toEqual([]);

    // The firm fixes the password at its mail provider: the next hold's end sends every message, once.
    acceptLogin = true;
    await sendAll();
    expect(logins).toHaveLength(7);
    nowMs += LONGEST_LOGIN_HOLD_MS;
    // One of the five offers the login while the others wait for its answer; the next retry sends those.
    expect((await sendAll()).filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await sendAll()).filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(logins).toHaveLength(7 + 1 + 4); // the refused ones, then one login per message sent
    expect(delivered.sort()).toEqual([1, 2, 3, 4, 5].map((n) => `client${n}@client.test`));
    expect(await openLoginAlerts()).toEqual([]);
  });

  it('is not lengthened by each of the messages that offered the login together before the first refusal came', async () => {
    acceptLogin = false;
    let nowMs = Date.parse('2026-12-03T18:00:00Z');
    const hold = new MailLoginHold({ now: () => nowMs });
    const inner = createSmtpMailer({ url: `smtp://burst:wrong@127.0.0.1:${port}`, from: 'billing@firm.test' });
    const mailer = recordedMailer(database.db, 'firm-burst', inner, hold);
    const burst = (round: number) =>
      Promise.allSettled(
        [1, 2, 3, 4, 5].map((n) =>
          mailer.send({ to: `c${n}@client.test`, subject: 's', text: 't', idempotencyKey: `firm-burst/${round}/${n}` }),
        ),
      );
    // A restart: the queued retries come due together, before any refusal is known.
    await burst(1);
    const offered = logins.filter((l) => l === 'burst').length;
    expect(offered).toBeGreaterThanOrEqual(1);
    // One minute later the hold has run out (it was not doubled five times to 15 minutes): one message offers it.
    nowMs += FIRST_LOGIN_HOLD_MS;
    await burst(2);
    expect(logins.filter((l) => l === 'burst')).toHaveLength(offered + 1);
  });
});
