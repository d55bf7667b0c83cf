/**
 * The one door to the connectors for the worker and the ingress: the ports, the typed errors, and a factory per
 * port that picks the implementation by name. Nothing outside connectors/ imports a vendor's folder; a new
 * connector is a folder plus one line in connectors/registry.ts.
 */
export * from './errors';
export type * from './ports';
export { HeaderDrivenRateLimiter, RateLimiterQueueFullError } from './shared/rateLimiter';
export {
  practiceConnectors,
  practiceAuthorizations,
  processorConnectors,
  mailerConnectors,
  type PracticeConnectorOptions,
  type ProcessorConnectorOptions,
} from './registry';
export { createMailer, isDeliverableEmail, messageIdFor, type MailerConfig } from './mail';
// Deployment facts about Clio the worker needs before any connection exists: its regions and its default budget.
export { CLIO_DEFAULT_RATE_LIMIT_PER_MINUTE, CLIO_REGION_HOSTS } from './clio';
