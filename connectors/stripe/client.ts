/**
 * Stripe SDK construction and the one place Stripe's errors become matterpay's (docs/architecture.md §5). Nothing here logs:
 * the secret key lives only inside the SDK instance, and no request or response body is ever emitted.
 */
import Stripe from 'stripe';
import { VendorError, VendorRejectedError, VendorUnavailableError } from '../errors';
import { withoutQuotedCredentials } from '../shared/vendorWords';

export const VENDOR = 'stripe';

export interface StripeProcessorOptions {
  /** Platform secret key (`sk_live_…` / `sk_test_…`); requests act on `connectedAccount` through `Stripe-Account`. */
  secretKey: string;
  /** Endpoint secret (`whsec_…`) of the Connect webhook endpoint. */
  webhookSecret: string;
  /** The firm's connected account (`acct_…`): every call is made on it, and only its events are accepted. */
  connectedAccount: string;
  /** Where the API lives when it is not api.stripe.com (stripe-mock in tests). */
  apiHost?: { host: string; port: number; protocol: 'http' | 'https' };
  /** SDK-level retries of 429/5xx/connection errors (it reuses the idempotency key); default 1. */
  maxNetworkRetries?: number;
  /** How long one request may take before it counts as unavailable; default 30 s. */
  timeoutMs?: number;
  /** Clock in epoch milliseconds (checkout expiry, webhook timestamp tolerance); default Date.now. */
  now?: () => number;
}

export function createStripeClient(options: StripeProcessorOptions): Stripe {
  // The API version is the one this SDK release is typed against (Stripe pins it per release); webhook payloads
  // follow the version configured on the webhook endpoint, which is why webhooks.ts validates them with zod.
  return new Stripe(options.secretKey, {
    maxNetworkRetries: options.maxNetworkRetries ?? 1,
    timeout: options.timeoutMs ?? 30_000,
    telemetry: false,
    appInfo: { name: 'matterpay' },
    ...(options.apiHost
      ? { host: options.apiHost.host, port: options.apiHost.port, protocol: options.apiHost.protocol }
      : {}),
  });
}

function parseRetryAfter(value: string | undefined): number | null {
  if (value === undefined) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function headerOf(err: Stripe.errors.StripeError, name: string): string | undefined {
  const headers = err.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/**
 * Classifies an error thrown by the SDK: 429, 5xx, connection failures and anything Stripe marks
 * `Stripe-Should-Retry: true` can succeed later (VendorUnavailableError, with Retry-After when sent); invalid
 * requests, authentication, permission, idempotency-key reuse and other 4xx cannot (VendorRejectedError).
 * Anything that is not a Stripe error is returned unchanged.
 */
export function mapStripeError(err: unknown, action: string): unknown {
  if (err instanceof VendorError || !(err instanceof Stripe.errors.StripeError)) return err;
  const status = typeof err.statusCode === 'number' ? err.statusCode : null;
  const detail = withoutQuotedCredentials([err.type, err.code, err.message].filter(Boolean).join(': '));
  const message = `Stripe ${action} failed (${status ?? 'no response'}${err.requestId ? `, ${err.requestId}` : ''}): ${detail}`;
  const retryAfter = parseRetryAfter(headerOf(err, 'retry-after'));

  if (err instanceof Stripe.errors.StripeConnectionError)
    return new VendorUnavailableError(VENDOR, message, status, retryAfter);
  if (err instanceof Stripe.errors.StripeRateLimitError || status === 429) {
    return new VendorUnavailableError(VENDOR, message, 429, retryAfter);
  }
  if (status !== null && status >= 500) return new VendorUnavailableError(VENDOR, message, status, retryAfter);
  if (headerOf(err, 'stripe-should-retry') === 'true')
    return new VendorUnavailableError(VENDOR, message, status, retryAfter);
  if (status !== null && status >= 400) return new VendorRejectedError(VENDOR, message, status);
  if (err instanceof Stripe.errors.StripeAuthenticationError) return new VendorRejectedError(VENDOR, message, 401);
  if (err instanceof Stripe.errors.StripePermissionError) return new VendorRejectedError(VENDOR, message, 403);
  if (err instanceof Stripe.errors.StripeInvalidRequestError || err instanceof Stripe.errors.StripeIdempotencyError) {
    return new VendorRejectedError(VENDOR, message, 400);
  }
  // StripeAPIError without a status, or an error type this SDK version does not name: assume transient.
  return new VendorUnavailableError(VENDOR, message, status, retryAfter);
}

/** Runs one SDK call, translating its failure. */
export async function callStripe<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw mapStripeError(err, action);
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof VendorRejectedError && err.status === 404;
}
