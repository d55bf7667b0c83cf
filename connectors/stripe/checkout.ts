/**
 * Checkout Sessions on the firm's connected account (docs/domain.md §4.4, docs/vendors.md §3.2, §3.5).
 *
 * Idempotency and expiry have to agree. Stripe answers a repeated Idempotency-Key with the first response, and
 * rejects the key outright if the parameters differ — `expires_at` included. A clock-derived `expires_at` would
 * therefore break every retry, and a fixed key would replay a session that may have expired since. So time is cut
 * into 6-hour windows: the window's start fixes both `expires_at` (start + 23 h, always inside Stripe's 30 min – 24 h
 * and with an hour of clock-skew margin) and the key sent to Stripe (`<request key>:w<start>`). Within a window a
 * retry or a second click gets the same session, with at least 17 hours left; in the next window a fresh one.
 */
import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import type { Checkout, CheckoutRequest } from '../ports';
import { VendorSchemaError } from '../errors';
import { callStripe, VENDOR } from './client';
import { INVOICE_KEY, REFERENCE_KEY } from './payments';
import { check, checkoutSessionSchema } from './schemas';

export const CHECKOUT_WINDOW_MS = 6 * 3600_000;
const EXPIRY_AFTER_WINDOW_START_MS = 23 * 3600_000;
const MAX_IDEMPOTENCY_KEY = 255;

export function checkoutWindow(nowMs: number): { startMs: number; expiresAtUnix: number } {
  const startMs = Math.floor(nowMs / CHECKOUT_WINDOW_MS) * CHECKOUT_WINDOW_MS;
  return { startMs, expiresAtUnix: Math.floor((startMs + EXPIRY_AFTER_WINDOW_START_MS) / 1000) };
}

/** The Idempotency-Key sent to Stripe: the caller's key plus the window; hashed if it would exceed 255 chars. */
export function stripeIdempotencyKey(key: string, windowStartMs: number): string {
  const suffix = `:w${Math.floor(windowStartMs / 1000)}`;
  const base =
    key.length + suffix.length <= MAX_IDEMPOTENCY_KEY
      ? key
      : `sha256-${createHash('sha256').update(key).digest('hex')}`;
  return base + suffix;
}

function withQuery(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}

export function checkoutParams(request: CheckoutRequest, expiresAtUnix: number): Stripe.Checkout.SessionCreateParams {
  if (!Number.isSafeInteger(request.amountCents) || request.amountCents <= 0) {
    throw new RangeError(`checkout amount must be a positive whole number of cents, got ${request.amountCents}`);
  }
  const metadata = { [REFERENCE_KEY]: request.reference, [INVOICE_KEY]: request.invoiceNumber };
  const name = `Invoice ${request.invoiceNumber}`;
  return {
    mode: 'payment',
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: request.currency.toLowerCase(),
          unit_amount: request.amountCents,
          product_data: { name },
        },
      },
    ],
    ...(request.clientEmail ? { customer_email: request.clientEmail } : {}),
    success_url: withQuery(request.returnUrl, 'checkout', 'complete'),
    cancel_url: withQuery(request.returnUrl, 'checkout', 'cancelled'),
    client_reference_id: request.reference,
    // Session metadata stays on the session; the PaymentIntent — whose events we consume — needs its own copy.
    metadata,
    payment_intent_data: { metadata, description: name },
    expires_at: expiresAtUnix,
  };
}

export async function createCheckout(
  stripe: Stripe,
  connectedAccount: string,
  request: CheckoutRequest,
  nowMs: number,
): Promise<Checkout> {
  const window = checkoutWindow(nowMs);
  const params = checkoutParams(request, window.expiresAtUnix);
  const session: unknown = await callStripe('create checkout session', () =>
    stripe.checkout.sessions.create(params, {
      stripeAccount: connectedAccount,
      idempotencyKey: stripeIdempotencyKey(request.idempotencyKey, window.startMs),
    }),
  );
  const parsed = check(checkoutSessionSchema, session);
  if (!parsed.ok) {
    throw new VendorSchemaError(VENDOR, 'POST /v1/checkout/sessions', parsed.problem.paths, parsed.problem.detail);
  }
  const expiresAt = parsed.value.expires_at ?? window.expiresAtUnix;
  return {
    url: parsed.value.url,
    expiresAt: new Date(expiresAt * 1000).toISOString(),
    processorCheckoutId: parsed.value.id,
  };
}
