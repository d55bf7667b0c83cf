/**
 * The embedded default mailer (docs/domain.md §4.4, §9): each message becomes an RFC 822 `.eml` file in an outbox folder,
 * built by nodemailer exactly as it would be sent, so a person can open it in any mail program.
 *
 * Once per idempotency key: the file name ends with the key's hash, and a send whose key already has a file writes
 * nothing. The file is written under a temporary dot-name, synced, then renamed into place, so a crash leaves either
 * the whole message or no message under a `.eml` name (at worst a stray `.tmp` file, which is never read).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Mailer } from '../ports';
import { exists, outboxKeyIndex, writeWhole } from './outboxKeys';
import { assertDeliverable, keyHash, mailOptions, messageIdFor } from './message';

export interface OutboxMailerOptions {
  dir: string;
  from: string;
  /** Clock for the Date header and the file name; default Date.now. */
  now?: () => number;
}

/** `20261121T110355Z`: sorts by time, safe on every file system. */
function fileStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

export function createOutboxMailer(options: OutboxMailerOptions): Mailer {
  const now = options.now ?? Date.now;
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const keys = outboxKeyIndex(options.dir);
  return {
    async send(message) {
      assertDeliverable(message.to);
      const hash = keyHash(message.idempotencyKey);
      const messageId = messageIdFor(message.idempotencyKey);
      await mkdir(options.dir, { recursive: true });
      await keys.ready();
      const claimed = await keys.fileFor(hash);
      if (claimed && (await exists(path.join(options.dir, claimed)))) return { messageId };

      const at = now();
      const info = await composer.sendMail(mailOptions(message, options.from, new Date(at)));
      if (!Buffer.isBuffer(info.message)) throw new Error('nodemailer stream transport returned no buffer');

      const temp = path.join(options.dir, `.${hash}.${randomBytes(6).toString('hex')}.tmp`);
      await writeWhole(temp, info.message);
      // One name per key, whoever claims it first: a concurrent send, or an earlier one that crashed before its
      // rename, gets the same name, so the outbox ends with one whole file for the key (a rename replaces atomically).
      const name = await keys.claim(hash, claimed ?? `${fileStamp(at)}-${hash}.eml`);
      if (await exists(path.join(options.dir, name))) {
        await rm(temp, { force: true });
        return { messageId };
      }
      await rename(temp, path.join(options.dir, name));
      return { messageId };
    },
  };
}
