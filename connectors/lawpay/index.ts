import { HeaderDrivenRateLimiter } from '../shared/rateLimiter';
import { LawPayHttp } from './http';
import { LawPayProcessor } from './processor';

export { LawPayProcessor } from './processor';
export { LawPayHttp } from './http';

/** LawPay documents no rate limit; this budget only matters until a 429 teaches the limiter otherwise. */
const ASSUMED_LIMIT_PER_MINUTE = 600;

export function createLawPayProcessor(options: {
  apiUrl: string;
  secretKey: string;
  paymentPageUrl: string;
  onRequest?: (method: string, path: string) => void;
  /** How long one request may take before it counts as unavailable; default 30 s. */
  timeoutMs?: number;
  /** This process's share of the budget, with its queue bound (worker/firms.ts); default: the assumed limit, unbounded. */
  limiter?: HeaderDrivenRateLimiter;
}): LawPayProcessor {
  const limiter =
    options.limiter ?? new HeaderDrivenRateLimiter(ASSUMED_LIMIT_PER_MINUTE, Date.now, { vendor: 'LawPay' });
  const http = new LawPayHttp({ ...options, limiter });
  return new LawPayProcessor(http, options.paymentPageUrl);
}
