import path from 'node:path';
import { UnknownFirmError, type FirmServices } from '../activities/deps';
import {
  CLIO_DEFAULT_RATE_LIMIT_PER_MINUTE,
  HeaderDrivenRateLimiter,
  createMailer,
  practiceAuthorizations,
  practiceConnectors,
  processorConnectors,
  type OAuthAppCredentials,
  type OAuthTokenStore,
  type PaymentProcessor,
  type PracticeAuthorization,
  type PracticeManagement,
} from '../connectors';
import { ClioConnectionRepository } from '../store/clioConnections';
import type { Db } from '../store/db';
import type { SecretBox } from '../store/encryption';
import { PracticeSubscriptionRepository } from '../store/practiceSubscriptions';
import type { Config } from './config';
import type { Logger } from './logger';

/** Where each vendor is for this process: the real services, or the sandboxes the stack started. */
export interface VendorEndpoints {
  clio: OAuthAppCredentials;
  lawpay: { apiUrl: string; secretKey: string; paymentPageUrl: string } | null;
  stripe: {
    secretKey: string;
    webhookSecret: string;
    connectedAccount: string;
    apiHost?: { host: string; port: number; protocol: 'http' | 'https' };
  } | null;
}

export interface FirmConnection {
  services: FirmServices;
  /** How an admin connects the firm's practice system (its OAuth grant): the connect flow uses it. */
  practiceAuth: PracticeAuthorization;
  /** This process's vendor limiters, by vendor: their queue figures are exported as metrics. */
  limiters?: Partial<Record<'clio' | 'lawpay', HeaderDrivenRateLimiter>>;
}

/** Which half of the vendor budgets a process spends: the ingress (webhook re-fetches) or the worker. */
export type VendorRole = 'ingress' | 'worker';

/**
 * A limiter for one vendor connection in one role. The ingress's queue is short and its calls give up quickly (a
 * webhook sender is waiting: better a 503 and a retry); the worker's is long and unhurried (Temporal retries).
 */
export function vendorLimiter(config: Config, role: VendorRole, vendor: 'clio' | 'lawpay'): HeaderDrivenRateLimiter {
  const perMinute =
    vendor === 'clio'
      ? CLIO_DEFAULT_RATE_LIMIT_PER_MINUTE // Clio's own X-RateLimit headers then keep every process within the token's budget
      : role === 'ingress'
        ? config.LAWPAY_INGRESS_REQUESTS_PER_MINUTE
        : config.LAWPAY_WORKER_REQUESTS_PER_MINUTE;
  return new HeaderDrivenRateLimiter(
    perMinute,
    Date.now,
    role === 'ingress'
      ? {
          vendor: vendor === 'clio' ? 'Clio' : 'LawPay',
          maxQueued: config.INGRESS_VENDOR_QUEUE_LIMIT,
          maxWaitMs: config.INGRESS_VENDOR_WAIT,
        }
      : { vendor: vendor === 'clio' ? 'Clio' : 'LawPay', maxQueued: config.WORKER_VENDOR_QUEUE_LIMIT },
  );
}

/**
 * The firms this deployment serves and their connectors, built once per process so every activity of a firm
 * shares one Clio rate limiter. Today one firm comes from configuration; the registry is keyed by firm id so
 * nothing below it assumes a single firm.
 */
export class FirmRegistry {
  constructor(private readonly firms: Map<string, FirmConnection>) {}

  get(firmId: string): FirmServices {
    return this.connection(firmId).services;
  }

  connection(firmId: string): FirmConnection {
    const firm = this.firms.get(firmId);
    if (!firm) throw new UnknownFirmError(firmId);
    return firm;
  }

  ids(): string[] {
    return [...this.firms.keys()];
  }

  /**
   * One connector per practice system these firms use, by name: what the ingress asks before it knows a delivery's
   * firm (the handshake, the subscription a delivery claims). The firm's own connector then verifies it.
   */
  practiceSystems(): Map<string, PracticeManagement> {
    const systems = new Map<string, PracticeManagement>();
    for (const firm of this.firms.values())
      if (!systems.has(firm.services.practice.name)) systems.set(firm.services.practice.name, firm.services.practice);
    return systems;
  }
}

export function clioTokenStore(db: Db, box: SecretBox, firmId: string, baseUrl: string): OAuthTokenStore {
  const repository = new ClioConnectionRepository(db, box);
  return {
    load: () => repository.get(firmId),
    save: (tokens) => repository.save({ firmId, baseUrl, ...tokens }),
  };
}

export function buildFirmRegistry(options: {
  config: Config;
  db: Db;
  box: SecretBox;
  endpoints: VendorEndpoints;
  onVendorRequest?: (vendor: string, method: string, path: string) => void;
  logger?: Logger;
  /** Default `worker`; the ingress builds its own registry so its vendor calls come out of its own budget. */
  role?: VendorRole;
}): FirmRegistry {
  const { config, db, box, endpoints } = options;
  const role = options.role ?? 'worker';
  const firmId = config.FIRM_ID;
  const limiters = { clio: vendorLimiter(config, role, 'clio'), lawpay: vendorLimiter(config, role, 'lawpay') };
  const practice = practiceConnectors.clio({
    app: endpoints.clio,
    tokenStore: clioTokenStore(db, box, firmId, endpoints.clio.baseUrl),
    limiter: limiters.clio,
    subscriptions: new PracticeSubscriptionRepository(db, box).forFirm(firmId),
    onRequest: (method, p) => options.onVendorRequest?.('clio', method, p),
  });
  const services: FirmServices = {
    firmId,
    practice,
    processor: buildProcessor(config, endpoints, limiters.lawpay, options.onVendorRequest),
    mailer: createMailer({
      smtpUrl: config.SMTP_URL,
      outboxDir: path.join(config.dataDir, 'outbox'),
      from: config.MAIL_FROM,
    }),
    timeZone: config.FIRM_TIMEZONE,
    currency: config.FIRM_CURRENCY,
    publicBaseUrl: config.publicBaseUrl,
    staffEmail: config.STAFF_EMAIL ?? null,
    payLinkTtlMs: config.PAY_LINK_TTL,
    paymentTermsDays: config.PAYMENT_TERMS,
    clientFacing: {
      firmName: config.FIRM_NAME ?? firmId,
      emailMessage: config.EMAIL_MESSAGE ?? null,
      disclaimer: config.PAY_PAGE_DISCLAIMER ?? null,
    },
    maintainWebhooks: async () => {
      const upkeep = await practice.maintainWebhookSubscriptions(config.publicBaseUrl);
      for (const { topic, action } of upkeep)
        if (action !== 'unchanged') options.logger?.info({ system: practice.name, topic, action }, 'practice webhook');
      return upkeep;
    },
  };
  return new FirmRegistry(
    new Map([[firmId, { services, practiceAuth: practiceAuthorizations.clio(endpoints.clio), limiters }]]),
  );
}

function buildProcessor(
  config: Config,
  endpoints: VendorEndpoints,
  lawPayLimiter: HeaderDrivenRateLimiter,
  onVendorRequest?: (vendor: string, method: string, path: string) => void,
): PaymentProcessor {
  if (config.PROCESSOR === 'stripe') {
    if (!endpoints.stripe)
      throw new Error('PROCESSOR=stripe needs STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and STRIPE_ACCOUNT');
    return processorConnectors.stripe({ name: 'stripe', ...endpoints.stripe });
  }
  if (!endpoints.lawpay) throw new Error('PROCESSOR=lawpay needs LAWPAY_SECRET_KEY and LAWPAY_PAYMENT_PAGE_URL');
  return processorConnectors.lawpay({
    name: 'lawpay',
    ...endpoints.lawpay,
    limiter: lawPayLimiter,
    onRequest: (method, p) => onVendorRequest?.('lawpay', method, p),
  });
}
