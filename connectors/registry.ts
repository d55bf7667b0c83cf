import type { HeaderDrivenRateLimiter } from './shared/rateLimiter';
import type {
  Mailer,
  OAuthAppCredentials,
  OAuthTokenStore,
  PaymentProcessor,
  PracticeAuthorization,
  PracticeManagement,
  WebhookSubscriptionStore,
} from './ports';
import { ClioTokenManager, createClioAuthorization, createClioConnector } from './clio';
import { createLawPayProcessor } from './lawpay';
import { createOutboxMailer, createSmtpMailer } from './mail';
import { createStripeProcessor, type StripeProcessorOptions } from './stripe';

export interface PracticeConnectorOptions {
  /** The firm's app at the practice system; the connector refreshes the tokens in `tokenStore` with it. */
  app: OAuthAppCredentials;
  tokenStore: OAuthTokenStore;
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
  clio: (options: PracticeConnectorOptions): PracticeManagement =>
    createClioConnector({
      ...options,
      baseUrl: options.app.baseUrl,
      tokens: new ClioTokenManager(options.app, options.tokenStore),
    }).practice,
} satisfies Record<string, (options: PracticeConnectorOptions) => PracticeManagement>;

/** How an admin connects each practice system (its OAuth grant), by the same names: one line each. */
export const practiceAuthorizations = {
  clio: (app: OAuthAppCredentials): PracticeAuthorization => createClioAuthorization(app),
} satisfies Record<keyof typeof practiceConnectors, (app: OAuthAppCredentials) => PracticeAuthorization>;

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
