import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createOutboxMailer, createSmtpMailer } from '../../../connectors/mail';
import type { MailerRig, Peer, ReceivedMail } from '../rigs';

const FROM = 'Contract Law Billing <billing@contract.example>';

const summary = (mail: ParsedMail): ReceivedMail => ({
  messageId: mail.messageId ?? '',
  to: Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? ''),
  subject: mail.subject ?? '',
});

/** The SMTP mailer against a real SMTP server (npm smtp-server) that keeps every message it accepts. */
export const smtpPeer: Peer<MailerRig> = {
  name: 'SMTP mailer + smtp-server',
  remote: true,
  async start() {
    const received: Buffer[] = [];
    let nextReply: number | null = null;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, done) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (nextReply !== null) {
            const code = nextReply;
            nextReply = null;
            done(Object.assign(new Error(`simulated ${code}`), { responseCode: code }));
            return;
          }
          received.push(Buffer.concat(chunks));
          done();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as { port: number };
    let running = true;
    const close = () =>
      new Promise<void>((resolve) => {
        if (!running) return resolve();
        running = false;
        server.close(() => resolve());
      });
    return {
      mailer: createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: FROM }),
      received: async () => Promise.all(received.map(async (raw) => summary(await simpleParser(raw)))),
      replyWith: (code) => {
        nextReply = code;
      },
      takeServerDown: close,
      stop: close,
    };
  },
};

/** The outbox mailer, whose peer is a folder of .eml files. */
export const outboxPeer: Peer<MailerRig> = {
  name: 'outbox mailer + .eml folder',
  async start() {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'matterpay-contract-outbox-'));
    return {
      mailer: createOutboxMailer({ dir, from: FROM }),
      received: async () => {
        const names = (await readdir(dir)).filter((name) => name.endsWith('.eml') && !name.startsWith('.'));
        return Promise.all(
          names.map(async (name) => summary(await simpleParser(await readFile(path.join(dir, name))))),
        );
      },
      stop: () => rm(dir, { recursive: true, force: true }),
    };
  },
};
