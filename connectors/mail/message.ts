/**
 * What both mailers share: the stable Message-ID derived from the idempotency key, the nodemailer message, the
 * recipient check and the classification of SMTP failures.
 */
import { createHash } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';
import type { MailMessage } from '../ports';
import { VendorRejectedError, VendorUnavailableError } from '../errors';
import { isDeliverableEmail } from '../../domain/deliverableEmail';

export const MAIL_VENDOR = 'smtp';

/** 128 bits of SHA-256 of the idempotency key, hex: the key itself (which may name a client) never leaves. */
export function keyHash(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
}

/** Same key, same Message-ID: a resend after a crash is recognisably the same message to mail systems. */
export function messageIdFor(idempotencyKey: string): string {
  return `<${keyHash(idempotencyKey)}@matterpay>`;
}

/** 553: the SMTP reply for a mailbox name that is not allowed — what a server would answer, said before sending. */
export function assertDeliverable(to: string): void {
  if (!isDeliverableEmail(to)) {
    throw new VendorRejectedError(MAIL_VENDOR, 'recipient is not a deliverable email address', 553);
  }
}

export function mailOptions(message: MailMessage, from: string, date?: Date): SendMailOptions {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.html !== undefined ? { html: message.html } : {}),
    ...(message.attachments?.length
      ? {
          attachments: message.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: a.content,
          })),
        }
      : {}),
    messageId: messageIdFor(message.idempotencyKey),
    ...(date ? { date } : {}),
    // Message content is text we composed: never let it pull in a local file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

interface SmtpFailure {
  code?: string;
  /** The SMTP command the server refused (nodemailer's `MAIL FROM`, `RCPT TO`, …). */
  command?: string;
  responseCode?: number;
  permanent?: boolean;
  message?: string;
}

const NOT_RETRYABLE_CODES = new Set(['EAUTH', 'ENOAUTH', 'ECONFIG', 'EENVELOPE', 'EMAXRECIPIENTS', 'EREQUIRETLS']);
/** Failures of matterpay's own mail set-up (its login, its settings), not of one message or recipient. */
const SETUP_CODES = new Set(['EAUTH', 'ENOAUTH', 'ECONFIG', 'EREQUIRETLS']);
/** SMTP's authentication replies (RFC 4954): required, too weak, refused, needs encryption. */
const SETUP_REPLIES = new Set([530, 534, 535, 538]);

/**
 * 5xx replies (but 503) are permanent and so are bad credentials or configuration: VendorRejectedError (status =
 * the SMTP reply code, 0 when the server gave none). A refused login or a bad setting is marked `connectionRefused`:
 * every message fails the same way until an admin fixes SMTP_URL, so messages wait for that rather than being held
 * one by one as a refused address is. 4xx replies, timeouts and dropped connections may pass later.
 */
export function mapSmtpError(err: unknown): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const e = err as SmtpFailure;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  if (code === undefined && reply === undefined && e.permanent === undefined) return err; // not nodemailer's
  const permanent =
    e.permanent ??
    (reply !== undefined ? reply >= 500 && reply !== 503 : code !== undefined && NOT_RETRYABLE_CODES.has(code));
  // A sender refused at MAIL FROM (553: MAIL_FROM is not an address this login may send as) is matterpay's own
  // setting, as a refused login is; a message too large (552) is that message's.
  const refusedSender = code === 'EENVELOPE' && e.command === 'MAIL FROM' && reply !== 552;
  const setup =
    (code !== undefined && SETUP_CODES.has(code)) || (reply !== undefined && SETUP_REPLIES.has(reply)) || refusedSender;
  // The server's words about matterpay's own login or sender may quote the login: only the codes are kept then.
  // An address in the server's words is a client's (or the login): the error reaches Temporal's history, which
  // does not encrypt failure messages, so it is left out; the alerts name the client's address from the store.
  const words = setup
    ? "the server refuses matterpay's login or sender"
    : (e.message ?? String(err)).replace(/[^\s<>@"']+@[^\s<>@"']+/g, 'an address');
  const message = `SMTP send failed${code ? ` (${code}${reply ? ` ${reply}` : ''})` : ''}: ${words}`;
  // A refusal of the login is matterpay's own, even a passing one (454: too many login attempts, the step before a
  // provider locks the account): it is held as one (activities/mailLoginHold.ts), not retried by every message.
  return permanent || setup
    ? new VendorRejectedError(MAIL_VENDOR, message, reply ?? 0, setup)
    : new VendorUnavailableError(MAIL_VENDOR, message, reply ?? null);
}
