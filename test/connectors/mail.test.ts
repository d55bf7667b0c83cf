/**
 * The mail port: the outbox writes one openable .eml per idempotency key; the SMTP mailer keeps the key as a stable
 * Message-ID and classifies failures. No SMTP server package is installed (only nodemailer, a client), so SMTP is
 * exercised over the wire only as far as a refused connection; the message it would send is the outbox's, built by
 * the same nodemailer composer with the same options.
 */
import fsPromises, { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  createMailer,
  createOutboxMailer,
  createSmtpMailer,
  isDeliverableEmail,
  messageIdFor,
} from '../../connectors/mail';
import { keyHash, mapSmtpError } from '../../connectors/mail/message';
import { VendorRejectedError, VendorUnavailableError } from '../../connectors/errors';
import type { MailMessage } from '../../connectors/ports';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const FROM = 'Smith Law Billing <billing@smithlaw.example>';
const AT = Date.parse('2026-03-02T10:15:00.000Z');

const invoiceMail: MailMessage = {
  to: 'client@example.com',
  subject: 'Invoice SL-0042-0007 from Smith Law',
  text: 'Your invoice SL-0042-0007 for $1,250.00 is ready.\nPay online: https://pay.example.com/pay/tok_abc123\n',
  idempotencyKey: 'invoice-email:SL-0042-0007',
};

/** Splits an RFC 822 message into unfolded headers (lower-cased names) and body. */
function parseEml(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  expect(split).toBeGreaterThan(0);
  const headers: Record<string, string> = {};
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: raw.slice(split + 4) };
}

/** The messages in the outbox, as a person browsing it sees them (dot-names are the mailer's own bookkeeping). */
async function messages(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.eml') && !name.startsWith('.')).sort();
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'matterpay-outbox-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('outbox mailer', () => {
  it('writes an .eml a person can open, with To, Subject, the body and a stable Message-ID', async () => {
    const mailer = createOutboxMailer({ dir, from: FROM, now: () => AT });
    const { messageId } = await mailer.send(invoiceMail);

    expect(messageId).toBe(messageIdFor(invoiceMail.idempotencyKey));
    expect(messageId).toMatch(/^<[0-9a-f]{32}@matterpay>$/);
    const files = await messages();
    expect(files).toEqual([`20260302T101500Z-${messageId.slice(1, 33)}.eml`]);

    const raw = await readFile(path.join(dir, files[0]!), 'utf8');
    const { headers, body } = parseEml(raw);
    expect(headers.to).toBe('client@example.com');
    expect(headers.from).toBe('Smith Law Billing <billing@smithlaw.example>');
    expect(headers.subject).toBe('Invoice SL-0042-0007 from Smith Law');
    expect(headers['message-id']).toBe(messageId);
    expect(new Date(headers.date!).getTime()).toBe(AT);
    expect(headers['content-type']).toMatch(/^text\/plain/);
    expect(body.replace(/\r\n/g, '\n')).toContain('Pay online: https://pay.example.com/pay/tok_abc123');
    expect(raw).not.toMatch(/[^\r]\n/); // RFC 822 line endings throughout
  });

  it('writes one file for the same idempotency key, however often and however concurrently it is sent', async () => {
    const mailer = createOutboxMailer({ dir, from: FROM, now: () => AT });
    const first = await mailer.send(invoiceMail);
    const later = createOutboxMailer({ dir, from: FROM, now: () => AT + 3_600_000 });
    const again = await later.send({ ...invoiceMail, subject: 'resent after a crash' });
    expect(again.messageId).toBe(first.messageId);
    expect(await messages()).toHaveLength(1);

    const other = { ...invoiceMail, idempotencyKey: 'reminder-7d:SL-0042-0007' };
    await Promise.all([1, 2, 3, 4, 5].map(() => mailer.send(other)));
    const files = await readdir(dir);
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    // No temp file left behind, in the outbox or in its key index.
    expect(files.filter((f) => f.startsWith('.'))).toEqual(['.keys']);
    expect((await readdir(path.join(dir, '.keys'))).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('builds a multipart message when there is HTML too', async () => {
    const mailer = createOutboxMailer({ dir, from: FROM, now: () => AT });
    await mailer.send({ ...invoiceMail, html: '<p>Your invoice is ready.</p>' });
    const [file] = await messages();
    const { headers, body } = parseEml(await readFile(path.join(dir, file!), 'utf8'));
    expect(headers['content-type']).toMatch(/^multipart\/alternative/);
    expect(body).toContain('text/plain');
    expect(body).toContain('<p>Your invoice is ready.</p>');
  });

  it('refuses an undeliverable address and writes nothing', async () => {
    const mailer = createOutboxMailer({ dir, from: FROM });
    const err = await mailer.send({ ...invoiceMail, to: 'client at example dot com' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorRejectedError);
    expect((err as VendorRejectedError).retryable).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  it('is what createMailer picks without an SMTP URL', async () => {
    await createMailer({ outboxDir: dir, from: FROM }).send(invoiceMail);
    expect(await messages()).toHaveLength(1);
  });

  it('finds a key without listing the outbox, so a send costs the same however many messages the firm has sent', async () => {
    const mailer = createOutboxMailer({ dir, from: FROM, now: () => AT });
    await mailer.send(invoiceMail);
    const listings = jest.spyOn(fsPromises, 'readdir');
    try {
      await mailer.send(invoiceMail);
      await mailer.send({ ...invoiceMail, idempotencyKey: 'reminder-7d:SL-0042-0007' });
      await createOutboxMailer({ dir, from: FROM, now: () => AT }).send(invoiceMail);
      expect(listings).not.toHaveBeenCalled();
    } finally {
      listings.mockRestore();
    }
    expect(await messages()).toHaveLength(2);
  });

  it('sends no second copy of a message an outbox from before the key index already holds', async () => {
    const hash = keyHash(invoiceMail.idempotencyKey);
    await writeFile(path.join(dir, `20260301T090000Z-${hash}.eml`), 'Subject: sent by an earlier version\r\n\r\n');
    await createOutboxMailer({ dir, from: FROM, now: () => AT }).send(invoiceMail);
    await createOutboxMailer({ dir, from: FROM, now: () => AT }).send({
      ...invoiceMail,
      idempotencyKey: 'reminder-7d:SL-0042-0007',
    });
    expect(await messages()).toEqual(
      [`20260301T090000Z-${hash}.eml`, `20260302T101500Z-${keyHash('reminder-7d:SL-0042-0007')}.eml`].sort(),
    );
  });

  it('completes, under the name it claimed, a message whose send crashed before the file was in place', async () => {
    const mailer = createOutboxMailer({ dir, from: FROM, now: () => AT + 3_600_000 });
    await mailer.send({ ...invoiceMail, idempotencyKey: 'first message: builds the index' });
    const hash = keyHash(invoiceMail.idempotencyKey);
    // What a crash between the claim and the rename leaves: the key's claim, and no message under its name.
    await mkdir(path.join(dir, '.keys'), { recursive: true });
    await writeFile(path.join(dir, '.keys', hash), `20260302T101500Z-${hash}.eml`);
    await mailer.send(invoiceMail);
    await mailer.send(invoiceMail);
    const ours = (await messages()).filter((name) => name.endsWith(`-${hash}.eml`));
    expect(ours).toEqual([`20260302T101500Z-${hash}.eml`]);
    const { headers } = parseEml(await readFile(path.join(dir, ours[0]!), 'utf8'));
    expect(headers.subject).toBe(invoiceMail.subject);
  });
});

const pdfBytes = Buffer.from('%PDF-1.3\n% an invoice\n%%EOF\n');
const withPdf: MailMessage = {
  ...invoiceMail,
  attachments: [{ filename: 'invoice-SL-0042-0007.pdf', contentType: 'application/pdf', content: pdfBytes }],
};

describe('attachments: the invoice or receipt PDF travels with the message', () => {
  it('the outbox writes the PDF into the .eml, byte for byte, beside the text', async () => {
    await createOutboxMailer({ dir, from: FROM, now: () => AT }).send(withPdf);
    const [file] = await messages();
    const mail = await simpleParser(await readFile(path.join(dir, file!)));
    expect(mail.text).toContain('Pay online: https://pay.example.com/pay/tok_abc123');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['invoice-SL-0042-0007.pdf', 'application/pdf'],
    ]);
    expect(Buffer.compare(mail.attachments[0]!.content, pdfBytes)).toBe(0);
  });

  it('SMTP delivers the same attachment to a real SMTP server', async () => {
    const received: Buffer[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, done) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks));
          done();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as { port: number };
    try {
      const { messageId } = await createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: FROM }).send(withPdf);
      expect(received).toHaveLength(1);
      const mail = await simpleParser(received[0]!);
      expect(mail.messageId).toBe(messageId);
      expect(mail.attachments.map((a) => a.filename)).toEqual(['invoice-SL-0042-0007.pdf']);
      expect(Buffer.compare(mail.attachments[0]!.content, pdfBytes)).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('SMTP mailer', () => {
  it('treats a refused connection as retryable, and is what createMailer picks with an SMTP URL', async () => {
    const mailer = createMailer({ smtpUrl: 'smtp://user:secret-password@127.0.0.1:1', outboxDir: dir, from: FROM });
    const err = await mailer.send(invoiceMail).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorUnavailableError);
    expect((err as Error).message).not.toContain('secret-password');
    expect(await readdir(dir)).toEqual([]);
  });

  it('accepts only smtp:// and smtps:// URLs, without echoing them', () => {
    expect(() => createSmtpMailer({ url: 'http://mail.example.com', from: FROM })).toThrow(/smtp:\/\/ or smtps:\/\//);
    expect(() => createSmtpMailer({ url: 'not a url with p4ssw0rd', from: FROM })).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining('p4ssw0rd'),
      }),
    );
    expect(() => createSmtpMailer({ url: 'smtps://user:pw@smtp.example.com:465', from: FROM })).not.toThrow();
  });

  it.each([
    ['550 mailbox unavailable', { code: 'EENVELOPE', responseCode: 550, permanent: true }, VendorRejectedError, 550],
    ['535 bad credentials', { code: 'EAUTH', responseCode: 535 }, VendorRejectedError, 535],
    ['missing credentials', { code: 'ENOAUTH' }, VendorRejectedError, 0],
    ['451 try again later', { code: 'EMESSAGE', responseCode: 451, permanent: false }, VendorUnavailableError, 451],
    ['503 bad sequence', { code: 'EPROTOCOL', responseCode: 503 }, VendorUnavailableError, 503],
    ['timeout', { code: 'ETIMEDOUT' }, VendorUnavailableError, null],
    ['dropped connection', { code: 'ECONNECTION' }, VendorUnavailableError, null],
  ] as const)('classifies %s', (_label, failure, expected, status) => {
    const out = mapSmtpError(Object.assign(new Error('smtp said no'), failure));
    expect(out).toBeInstanceOf(expected);
    expect((out as VendorRejectedError).status).toBe(status);
  });

  it.each([
    ['535 bad credentials', { code: 'EAUTH', responseCode: 535 }, true],
    ['missing credentials', { code: 'ENOAUTH' }, true],
    ['530 authentication required', { code: 'EENVELOPE', responseCode: 530 }, true],
    ['550 mailbox unavailable', { code: 'EENVELOPE', responseCode: 550, permanent: true }, false],
    ['553 address refused', { code: 'EENVELOPE', responseCode: 553 }, false],
    ['553 at RCPT TO', { code: 'EENVELOPE', responseCode: 553, command: 'RCPT TO' }, false],
    ['553 sender refused at MAIL FROM', { code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM' }, true],
    ['454 too many login attempts', { code: 'EAUTH', responseCode: 454 }, true],
    ['552 too large at MAIL FROM', { code: 'EENVELOPE', responseCode: 552, command: 'MAIL FROM' }, false],
  ] as const)(
    "tells a refusal of matterpay's own login or settings (%s) from one of a message",
    (_l, failure, setup) => {
      const out = mapSmtpError(Object.assign(new Error('smtp said no'), failure));
      expect(out).toBeInstanceOf(VendorRejectedError);
      expect((out as VendorRejectedError).connectionRefused).toBe(setup);
    },
  );

  it("takes a refused sender for matterpay's own settings, and keeps the server's words (which quote the login) out", async () => {
    const login = 'smithlaw-billing-login';
    // Postfix's reject_sender_login_mismatch: MAIL_FROM is not an address this login may send as.
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth: (auth, _session, done) => done(null, { user: auth.username }),
      onMailFrom(address, session, done) {
        done(
          Object.assign(new Error(`<${address.address}>: Sender address rejected: not owned by user ${session.user}`), {
            responseCode: 553,
          }),
        );
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    try {
      const err = await createSmtpMailer({ url: `smtp://${login}:s3cret-pw@127.0.0.1:${port}`, from: FROM })
        .send({ to: 'client@example.com', subject: 's', text: 't', idempotencyKey: 'k' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VendorRejectedError);
      expect({ message: (err as Error).message, setup: (err as VendorRejectedError).connectionRefused }).toEqual({
        message: expect.not.stringContaining(login),
        setup: true,
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("keeps the client's address, which the server's words may quote, out of the error", () => {
    const out = mapSmtpError(
      Object.assign(
        new Error(
          "Can't send mail - all recipients were rejected: 450 4.2.0 <jane.doe@client.test>: Recipient address rejected: Greylisted",
        ),
        {
          code: 'EENVELOPE',
          responseCode: 450,
          command: 'RCPT TO',
        },
      ),
    );
    expect(out).toBeInstanceOf(VendorUnavailableError);
    expect((out as Error).message).not.toContain('jane.doe');
    expect((out as Error).message).toMatch(/450 .*Greylisted/);
  });

  it("leaves errors that are not nodemailer's alone", () => {
    const bug = new TypeError('bug');
    expect(mapSmtpError(bug)).toBe(bug);
  });

  it('derives one Message-ID per key', () => {
    expect(messageIdFor('a')).toBe(messageIdFor('a'));
    expect(messageIdFor('a')).not.toBe(messageIdFor('b'));
    expect(messageIdFor('invoice-email:SL-0042-0007')).not.toContain('SL-0042');
  });
});

describe('isDeliverableEmail', () => {
  it.each(['client@example.com', 'john.doe+billing@law-firm.co.uk', 'O.Brien@Example.COM', "o'brien@example.com"])(
    'accepts %s',
    (address) => {
      expect(isDeliverableEmail(address)).toBe(true);
    },
  );

  it.each([
    '',
    'client',
    'client@',
    '@example.com',
    'client@localhost',
    'client@example',
    'client@@example.com',
    'client example@example.com',
    ' client@example.com',
    'client@example.com\n',
    'Client <client@example.com>',
    'client@example..com',
    '.client@example.com',
    'client@-example.com',
    'a,b@example.com',
    `${'x'.repeat(65)}@example.com`,
    `client@${'d'.repeat(250)}.com`,
  ])('rejects %j', (address) => {
    expect(isDeliverableEmail(address)).toBe(false);
  });
});
