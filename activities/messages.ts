import { VendorRejectedError, VendorUnavailableError } from '../connectors/errors';
import type { Mailer, MailMessage } from '../connectors/ports';
import type pg from 'pg';
import { AlertRepository } from '../store/alerts';
import type { Db } from '../store/db';
import { OutboundMessageRepository } from '../store/outboundMessages';
import type { LoginRefusal, MailLoginHold } from './mailLoginHold';

/** Retryable: the mail server refuses matterpay's own login, for every message alike, until SMTP_URL is fixed. */
export class MailLoginRefusedError extends VendorUnavailableError {
  constructor(vendor: string, message: string, status: number | null) {
    super(vendor, message, status);
    this.name = 'MailLoginRefusedError';
  }
}

const LOGIN_REFUSED = 'mail-login-refused';
const LOGIN_ALERT_SUBJECT = 'smtp';

/**
 * Wraps a firm's mailer so every message is recorded by key before it is sent (docs/domain.md §4.4): a message recorded
 * `sent` is never sent again, whatever the transport (SMTP has no de-duplication of its own). A message left
 * `sending` by a crash is sent again with the same Message-ID (the mailer derives it from the key), which is the most
 * an SMTP client can do: the receiving side can tell the copy.
 */
export function recordedMailer(
  db: Db | pg.PoolClient,
  firmId: string,
  inner: Mailer,
  loginHold: MailLoginHold,
): RecordedMailer {
  const messages = new OutboundMessageRepository(db);
  // On the record's own connection: a send inside a transaction holds its connections and never waits for the pool.
  const alerts = new AlertRepository(db);

  /**
   * The mail server refused matterpay's own login or settings: no message can go, whoever it is for. The firm is told
   * once, and the message's step is retried (as an outage is) rather than held as a refused address is; the login is
   * held (activities/mailLoginHold.ts), so the waiting messages do not lock the account. The alert quotes only the
   * reply code: the server's words may echo the login.
   */
  async function loginRefused(vendor: string, status: number | null, probe: boolean): Promise<MailLoginRefusedError> {
    const refusal = loginHold.refused(firmId, vendor, status, probe);
    await alerts.raise(
      firmId,
      LOGIN_REFUSED,
      LOGIN_ALERT_SUBJECT,
      `The mail server refuses matterpay's login or settings (${status ? `SMTP ${status}` : 'no reply code'}): no email can be sent until SMTP_URL (its login) or MAIL_FROM (an address that login may send as) is fixed. Receipts and notices of payments wait and go out once it is; an invoice email or reminder waits up to six hours and is then held (a delivery-held alert; the next reminder tries again); a trust statement is held (run \`matterpay trust-statements\` again). None is sent twice. So that failed logins do not lock the mail account, matterpay offers the login again ${loginHold.describe()}; restarting the worker (after fixing SMTP_URL) offers it at once.`,
    );
    return heldError(refusal);
  }

  function heldError(refusal: LoginRefusal): MailLoginRefusedError {
    return new MailLoginRefusedError(
      refusal.vendor,
      `the mail server refuses matterpay's login (${refusal.status || 'no reply code'}): the message waits until SMTP_URL is fixed; the login is offered again from ${new Date(refusal.retryAtMs).toISOString()}`,
      refusal.status,
    );
  }

  return {
    async send(message: MailMessage) {
      const before = await messages.begin(firmId, message.idempotencyKey, message.to, message.subject);
      if (before?.state === 'sent' && before.messageId) return { messageId: before.messageId };
      const turn = loginHold.claim(firmId);
      if (turn.refusal) throw heldError(turn.refusal);
      let sent: { messageId: string };
      try {
        sent = await inner.send(message);
      } catch (err) {
        if (!(err instanceof VendorRejectedError && err.connectionRefused)) {
          loginHold.released(firmId);
          throw err;
        }
        throw await loginRefused(err.vendor, err.status, turn.probe);
      }
      loginHold.passed(firmId);
      await messages.markSent(firmId, message.idempotencyKey, sent.messageId);
      if (loginHold.alertMayBeOpen(firmId)) {
        await alerts.resolve(firmId, LOGIN_REFUSED, LOGIN_ALERT_SUBJECT);
        loginHold.alertResolved(firmId);
      }
      return sent;
    },
    recordingOn: (connection) => recordedMailer(connection, firmId, inner, loginHold),
  };
}

export interface RecordedMailer extends Mailer {
  /** The same mailer, keeping its record on this connection (one held apart from a transaction: never inside it). */
  recordingOn(connection: pg.PoolClient): Mailer;
}

/** `mailer` recording on `connection` when it keeps a record (every firm's does: activities/index.ts wraps it). */
export function mailerRecordingOn(mailer: Mailer, connection: pg.PoolClient): Mailer {
  return 'recordingOn' in mailer ? (mailer as RecordedMailer).recordingOn(connection) : mailer;
}
