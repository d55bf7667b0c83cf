import { ClioHttp, type ClioHttpOptions } from './http';
import { ClioPracticeManagement } from './practice';
import { HeaderDrivenRateLimiter } from '../shared/rateLimiter';
import { CLIO_DEFAULT_RATE_LIMIT_PER_MINUTE } from './constants';
import type { WebhookSubscriptionStore } from '../ports';

export { ClioHttp } from './http';
export { ClioPracticeManagement, noteMarker } from './practice';
export { HeaderDrivenRateLimiter, RateLimiterQueueFullError } from '../shared/rateLimiter';
export { CLIO_DEFAULT_RATE_LIMIT_PER_MINUTE } from './constants';
export {
  ClioTokenManager,
  clioAuthorizeUrl,
  exchangeClioCode,
  type ClioTokenStore,
  type ClioTokens,
  type ClioOAuthClient,
} from './oauth';
export * from './webhooks';
export { CLIO_WEBHOOK_PATH, clioWebhookSpecs } from './subscriptions';
export { fetchClioIdentity, type ClioIdentity } from './identity';
export { createClioAuthorization } from './authorization';
export { CLIO_API_VERSION, CLIO_REGION_HOSTS, type ClioRegion } from './constants';

/** One Clio connection: its HTTP client (and with it the shared rate limiter) and the PracticeManagement port. */
export function createClioConnector(
  options: Omit<ClioHttpOptions, 'limiter'> & {
    limiter?: HeaderDrivenRateLimiter;
    /** The firm's webhook subscriptions; without it, deliveries are refused and upkeep is impossible. */
    subscriptions?: WebhookSubscriptionStore;
  },
) {
  const limiter =
    options.limiter ?? new HeaderDrivenRateLimiter(CLIO_DEFAULT_RATE_LIMIT_PER_MINUTE, Date.now, { vendor: 'Clio' });
  const http = new ClioHttp({ ...options, limiter });
  return { http, limiter, practice: new ClioPracticeManagement(http, options.subscriptions) };
}
