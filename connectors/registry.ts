import type { HeaderDrivenRateLimiter } from './shared/rateLimiter';
import type { Mailer, PaymentProcessor, PracticeManagement, WebhookSubscriptionStore } from './ports';
import { createClioConnector, type ClioTokenManager } from './clio';
import { createLawPayProcessor } from './lawpay';
import { createOutboxMailer, createSmtpMailer } from './mail';
import { createStripeProcessor, type StripeProcessorOptions } from './stripe';

export interface PracticeConnectorOptions {
  baseUrl: string;
  tokens: ClioTokenManager;
  limiter?: HeaderDrivenRateLimiter;
  subscriptions?: WebhookSubscriptionStore;
  onRequest?: (method: string, path: string) => void;
}

export type ProcessorConnectorOptions =
  | {
      name: 'lawpay';
      apiUrl: string;
      secretKey: string;
      paymentPageUrl: string;
      limiter?: HeaderDrivenRateLimiter;
      onRequest?: (method: string, path: string) => void;
    }
  | ({ name: 'stripe' } & StripeProcessorOptions);

/** Practice-management connectors by name: one line each. */
export const practiceConnectors = {
  clio: (options: PracticeConnectorOptions): PracticeManagement => createClioConnector(options).practice,
} satisfies Record<string, (options: PracticeConnectorOptions) => PracticeManagement>;

/** Payment-processor connectors by name: one line each. */
export const processorConnectors = {
  lawpay: (options: Extract<ProcessorConnectorOptions, { name: 'lawpay' }>): PaymentProcessor =>
    createLawPayProcessor(options),
  stripe: (options: Extract<ProcessorConnectorOptions, { name: 'stripe' }>): PaymentProcessor =>
    createStripeProcessor(options),
};

/** Mailers by name: one line each. */
export const mailerConnectors = {
  smtp: (options: { url: string; from: string }): Mailer => createSmtpMailer(options),
  outbox: (options: { dir: string; from: string }): Mailer => createOutboxMailer(options),
};
