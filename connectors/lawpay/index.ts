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
}): LawPayProcessor {
  const http = new LawPayHttp({ ...options, limiter: new HeaderDrivenRateLimiter(ASSUMED_LIMIT_PER_MINUTE) });
  return new LawPayProcessor(http, options.paymentPageUrl);
}
