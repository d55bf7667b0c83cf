import type { Mailer, MailMessage } from '../connectors/ports';
import type pg from 'pg';
import type { Db } from '../store/db';
import { OutboundMessageRepository } from '../store/outboundMessages';

/**
 * Wraps a firm's mailer so every message is recorded by key before it is sent (docs/domain.md §4.4): a message recorded
 * `sent` is never sent again, whatever the transport (SMTP has no de-duplication of its own). A message left
 * `sending` by a crash is sent again with the same Message-ID (the mailer derives it from the key), which is the most
 * an SMTP client can do: the receiving side can tell the copy.
 */
export function recordedMailer(db: Db | pg.PoolClient, firmId: string, inner: Mailer): RecordedMailer {
  const messages = new OutboundMessageRepository(db);
  return {
    async send(message: MailMessage) {
      const before = await messages.begin(firmId, message.idempotencyKey, message.to, message.subject);
      if (before?.state === 'sent' && before.messageId) return { messageId: before.messageId };
      const sent = await inner.send(message);
      await messages.markSent(firmId, message.idempotencyKey, sent.messageId);
      return sent;
    },
    recordingOn: (connection) => recordedMailer(connection, firmId, inner),
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
