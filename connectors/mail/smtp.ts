/** Production mail: SMTP through nodemailer, configured by one `smtp://` or `smtps://` URL (credentials inside). */
import nodemailer from 'nodemailer';
import type { Mailer } from '../ports';
import { assertDeliverable, mailOptions, mapSmtpError, messageIdFor } from './message';

export interface SmtpMailerOptions {
  url: string;
  from: string;
}

export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  let protocol: string;
  try {
    protocol = new URL(options.url).protocol;
  } catch {
    // The URL may hold a password: never echo it.
    throw new RangeError('SMTP URL is not a valid URL');
  }
  if (protocol !== 'smtp:' && protocol !== 'smtps:')
    throw new RangeError(`SMTP URL must be smtp:// or smtps://, not ${protocol}//`);
  // Well under the 2 minutes a mail step is given (nodemailer waits 2 minutes to connect and 10 for a silent socket):
  // a server that does not answer fails the attempt with an error the step sees, so it can hold the message on its
  // last attempts instead of timing out every one. A timeout given in SMTP_URL's query still wins.
  const transport = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    async send(message) {
      assertDeliverable(message.to);
      try {
        const info = await transport.sendMail(mailOptions(message, options.from));
        return { messageId: info.messageId || messageIdFor(message.idempotencyKey) };
      } catch (err) {
        throw mapSmtpError(err);
      }
    },
  };
}
