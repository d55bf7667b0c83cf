import { setTimeout as sleep } from 'node:timers/promises';
import type { AxiosResponse } from 'axios';
import type { z } from 'zod';
import { VendorRejectedError, VendorSchemaError, VendorUnavailableError } from '../errors';
import { CLIO_API_VERSION } from './constants';
import type { HeaderDrivenRateLimiter, RateLimitHeaders } from '../shared/rateLimiter';
import { sendToVendor } from '../shared/transport';
import { describeIssues, issuePaths } from '../shared/validation';
import { withoutQuotedCredentials } from '../shared/vendorWords';

export interface TokenSource {
  accessToken(): Promise<string>;
  /**
   * Forces a refresh (after a 401 invalid_token); returns the new access token. `rejectedToken` is the token the
   * 401 was for: when another call has already replaced it, the current token is returned without a refresh.
   */
  refresh(rejectedToken?: string): Promise<string>;
}

export interface ClioHttpOptions {
  baseUrl: string;
  tokens: TokenSource;
  limiter: HeaderDrivenRateLimiter;
  timeoutMs?: number;
  /** How many 429s one call may wait out before it gives up (and lets Temporal retry it later). */
  maxRateLimitWaits?: number;
  /**
   * Pauses before a read answered 5xx is sent again within the call, one entry a retry; default 250 ms, then 1 s.
   * Only reads (a write that reached Clio may have been applied), and not a timeout (Clio is slow, not flaky).
   */
  readRetryDelaysMs?: readonly number[];
  /** Counts every HTTP request sent, for benchmarks of API calls per invoice. */
  onRequest?: (method: string, path: string) => void;
}

interface RequestOptions<T extends z.ZodTypeAny> {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  schema: T;
}

const VENDOR = 'Clio';

/**
 * Every Clio call goes through here: pinned API version, bearer token (refreshed once on 401 invalid_token), the
 * shared rate limiter, error classification (docs/architecture.md §5), and a zod check of the response shape.
 */
export class ClioHttp {
  readonly apiBase: string;

  constructor(private readonly options: ClioHttpOptions) {
    this.apiBase = `${options.baseUrl.replace(/\/$/, '')}/api/v4`;
  }

  async request<T extends z.ZodTypeAny>(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    pathOrUrl: string,
    options: RequestOptions<T>,
  ): Promise<z.output<T>> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.apiBase}${pathOrUrl}`;
    const endpoint = `${method} ${new URL(url).pathname.replace(/\/\d+(?=\/|\.json|$)/g, '/{id}')}`;
    let refreshed = false;
    let rateLimitWaits = 0;
    // A flaky moment at Clio should not fail a whole activity attempt (an evaluation makes several reads, and
    // Temporal's backoff between attempts reaches minutes): a read answered 5xx is sent again within the call.
    const readRetries = [...(method === 'GET' ? (this.options.readRetryDelaysMs ?? [250, 1_000]) : [])];
    for (;;) {
      const token = await this.options.tokens.accessToken();
      // The limiter reads this answer's X-RateLimit-* headers before it lets the next request go.
      const response = await this.options.limiter.schedule(
        () => this.send(method, url, token, options),
        rateLimitHeaders,
      );
      if (response.status >= 500 && readRetries.length > 0) {
        await sleep(readRetries.shift()!);
        continue;
      }

      if (response.status === 429) {
        const retryAfter = Number(response.headers['retry-after']) || 60;
        this.options.limiter.backOff(retryAfter);
        if (++rateLimitWaits > (this.options.maxRateLimitWaits ?? 5)) {
          throw new VendorUnavailableError(
            VENDOR,
            `${endpoint}: rate limited (429) ${rateLimitWaits} times in a row`,
            429,
            retryAfter,
          );
        }
        continue;
      }
      if (response.status === 401 && isInvalidToken(response.data) && !refreshed) {
        refreshed = true;
        await this.options.tokens.refresh(token);
        continue;
      }
      if (response.status >= 500) {
        throw new VendorUnavailableError(VENDOR, `${endpoint}: HTTP ${response.status}`, response.status);
      }
      if (response.status >= 400) {
        throw new VendorRejectedError(
          VENDOR,
          `${endpoint}: HTTP ${response.status} ${withoutQuotedCredentials(errorMessage(response.data))}`,
          response.status,
        );
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
    token: string,
    options: RequestOptions<z.ZodTypeAny>,
  ): Promise<AxiosResponse> {
    this.options.onRequest?.(method, new URL(url).pathname);
    return sendToVendor(VENDOR, {
      method,
      url,
      params: options.query,
      data: options.body,
      headers: {
        ...options.headers,
        Authorization: `Bearer ${token}`,
        'X-API-VERSION': CLIO_API_VERSION,
        Accept: 'application/json',
      },
      timeout: this.options.timeoutMs ?? 30_000,
      // Clio expects Rails-style arrays: ids[]=1&ids[]=2.
      paramsSerializer: { indexes: false },
    });
  }
}

function rateLimitHeaders(response: AxiosResponse): RateLimitHeaders {
  const number = (name: string) => {
    const value = Number(response.headers[name]);
    return Number.isFinite(value) && response.headers[name] !== undefined ? value : null;
  };
  return {
    limit: number('x-ratelimit-limit'),
    remaining: number('x-ratelimit-remaining'),
    resetAt: number('x-ratelimit-reset'),
  };
}

function isInvalidToken(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { error?: unknown }).error === 'invalid_token';
}

function errorMessage(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) return String((error as { message?: unknown }).message ?? '');
  return '';
}
