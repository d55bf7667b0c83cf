import type { AxiosResponse } from 'axios';
import type { z } from 'zod';
import { VendorRejectedError, VendorSchemaError, VendorUnavailableError } from '../errors';
import type { HeaderDrivenRateLimiter } from '../shared/rateLimiter';
import { sendToVendor } from '../shared/transport';
import { describeIssues, issuePaths } from '../shared/validation';
import { errorBodySchema } from './schemas';
import { withoutQuotedCredentials } from '../shared/vendorWords';

const VENDOR = 'LawPay';

/**
 * The LawPay gateway over HTTP Basic (secret key, empty password). LawPay documents no rate limit, so the shared
 * limiter only reacts to a 429 and its Retry-After; errors arrive as `messages[]`.
 */
export class LawPayHttp {
  constructor(
    private readonly options: {
      apiUrl: string;
      secretKey: string;
      limiter: HeaderDrivenRateLimiter;
      timeoutMs?: number;
      onRequest?: (method: string, path: string) => void;
    },
  ) {}

  /** Resolves to null on 404 when `allowNotFound` is set. */
  async request<T extends z.ZodTypeAny>(
    method: 'GET' | 'POST',
    path: string,
    options: {
      query?: Record<string, string | number | undefined>;
      body?: unknown;
      schema: T;
      allowNotFound?: boolean;
    },
  ): Promise<z.output<T> | null> {
    const url = `${this.options.apiUrl.replace(/\/$/, '')}${path}`;
    const endpoint = `${method} ${path}`;
    for (let waits = 0; ; waits++) {
      const response = await this.options.limiter.schedule(() => this.send(method, url, options));
      if (response.status === 429) {
        const retryAfter = Number(response.headers['retry-after']) || 30;
        this.options.limiter.backOff(retryAfter);
        if (waits >= 5) throw new VendorUnavailableError(VENDOR, `${endpoint}: rate limited (429)`, 429, retryAfter);
        continue;
      }
      if (response.status === 404 && options.allowNotFound) return null;
      if (response.status >= 500)
        throw new VendorUnavailableError(VENDOR, `${endpoint}: HTTP ${response.status}`, response.status);
      if (response.status >= 400) {
        const body = errorBodySchema.safeParse(response.data);
        const message = body.success
          ? withoutQuotedCredentials(body.data.messages.map((m) => m.message).join('; '))
          : '';
        throw new VendorRejectedError(VENDOR, `${endpoint}: HTTP ${response.status} ${message}`, response.status);
      }
      const parsed = options.schema.safeParse(response.data);
      if (!parsed.success) {
        throw new VendorSchemaError(VENDOR, endpoint, issuePaths(parsed.error), describeIssues(parsed.error));
      }
      return parsed.data;
    }
  }

  private async send(
    method: string,
    url: string,
    options: { query?: Record<string, string | number | undefined>; body?: unknown },
  ): Promise<AxiosResponse> {
    this.options.onRequest?.(method, new URL(url).pathname);
    return sendToVendor(VENDOR, {
      method,
      url,
      params: options.query,
      data: options.body,
      auth: { username: this.options.secretKey, password: '' },
      headers: { Accept: 'application/json' },
      timeout: this.options.timeoutMs ?? 30_000,
    });
  }
}
