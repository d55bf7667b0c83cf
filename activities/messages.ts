import { VendorRejectedError, VendorUnavailableError } from '../connectors/errors';
import type { Mailer, MailMessage } from '../connectors/ports';
import type pg from 'pg';
import { AlertRepository } from '../store/alerts';
import type { Db } from '../store/db';
import { OutboundMessageRepository } from '../store/outboundMessages';

/** Retryable: the mail server refuses matterpay's own login, for every message alike, until SMTP_URL is fixed. */
export class MailLoginRefusedError extends VendorUnavailableError {
  constructor(vendor: string, message: string, status: number | null) {
    super(vendor, message, status);
    this.name = 'MailLoginRefusedError';
  }
}

const LOGIN_REFUSED = 'mail-login-refused';
const LOGIN_ALERT_SUBJECT = 'smtp';
/** Firms whose login refusal this process raised: the next message that goes resolves it (no statement otherwise). */
const loginRefusedFor = new Set<string>();

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
  /** Where a refused login is raised: the pool, whichever connection keeps the message's record. */
  pool: Db,
): RecordedMailer {
  const messages = new OutboundMessageRepository(db);
  const alerts = new AlertRepository(pool);

  /**
   * The mail server refused matterpay's own login or settings: no message can go, whoever it is for. The firm is told
   * once, and the message's step is retried (as an outage is) rather than held as a refused address is: it goes out
   * by itself once SMTP_URL is fixed. The alert quotes only the reply code: the server's words may echo the login.
   */
  async function loginRefused(err: VendorRejectedError): Promise<MailLoginRefusedError> {
    await alerts.raise(
      firmId,
      LOGIN_REFUSED,
      LOGIN_ALERT_SUBJECT,
      `The mail server refuses matterpay's login or settings (${err.status ? `SMTP ${err.status}` : 'no reply code'}): no email can be sent until SMTP_URL is fixed. Invoices, reminders, receipts and notices wait and go out by themselves once it is; none is lost or sent twice.`,
    );
    loginRefusedFor.add(firmId);
    return new MailLoginRefusedError(
      err.vendor,
      `the mail server refuses matterpay's login (${err.status || 'no reply code'}): the message waits until SMTP_URL is fixed`,
      err.status,
    );
  }

  return {
    async send(message: MailMessage) {
      const before = await messages.begin(firmId, message.idempotencyKey, message.to, message.subject);
      if (before?.state === 'sent' && before.messageId) return { messageId: before.messageId };
      let sent: { messageId: string };
      try {
        sent = await inner.send(message);
      } catch (err) {
        if (!(err instanceof VendorRejectedError && err.connectionRefused)) throw err;
        throw await loginRefused(err);
      }
      await messages.markSent(firmId, message.idempotencyKey, sent.messageId);
      if (loginRefusedFor.delete(firmId)) await alerts.resolve(firmId, LOGIN_REFUSED, LOGIN_ALERT_SUBJECT);
      return sent;
    },
    recordingOn: (connection) => recordedMailer(connection, firmId, inner, pool),
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
