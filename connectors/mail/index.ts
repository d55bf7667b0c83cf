/** The mail port (docs/domain.md §4.4): SMTP when a URL is configured, otherwise `.eml` files in the outbox folder. */
import type { Mailer } from '../ports';
import { createOutboxMailer } from './outbox';
import { createSmtpMailer } from './smtp';

export { createOutboxMailer, type OutboxMailerOptions } from './outbox';
export { createSmtpMailer, type SmtpMailerOptions } from './smtp';
export { isDeliverableEmail } from '../../domain/deliverableEmail';
export { messageIdFor } from './message';

export interface MailerConfig {
  smtpUrl?: string;
  outboxDir: string;
  from: string;
}

export function createMailer(config: MailerConfig): Mailer {
  return config.smtpUrl
    ? createSmtpMailer({ url: config.smtpUrl, from: config.from })
    : createOutboxMailer({ dir: config.outboxDir, from: config.from });
}
