/**
 * Stripe webhooks (docs/vendors.md §3.3, §3.4): verify the signature on the raw body with a 300 s tolerance, then validate and
 * translate. Connect events carry the connected account at the top level; an event from any other account is
 * acknowledged and ignored, never turned into a payment. Deduplication by event id is the caller's (the outcome
 * carries it): Stripe delivers more than once and out of order.
 */
import Stripe from 'stripe';
import type { WebhookOutcome } from '../ports';
import { WebhookPayloadError, WebhookVerificationError } from '../errors';
import { resolveReferences, translateEvent } from './payments';
import { check, eventSchema, type SchemaProblem } from './schemas';

export const WEBHOOK_TOLERANCE_SECONDS = 300;

export interface WebhookContext {
  stripe: Stripe;
  webhookSecret: string;
  connectedAccount: string;
  now: () => number;
  referenceOfIntent: (paymentIntentId: string) => Promise<string | null>;
}

function signatureHeader(headers: Record<string, string | string[] | undefined>): string {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'stripe-signature');
  const value = key === undefined ? undefined : headers[key];
  if (Array.isArray(value)) {
    if (value.length !== 1 || !value[0])
      throw new WebhookVerificationError('Stripe webhook: more than one Stripe-Signature header');
    return value[0];
  }
  if (!value) throw new WebhookVerificationError('Stripe webhook: no Stripe-Signature header');
  return value;
}

/** The SDK only rejects old timestamps; docs/vendors.md §3.3 asks for |now − t| ≤ tolerance, so far-future ones fail too. */
function assertNotFromTheFuture(header: string, nowMs: number): void {
  const t = /(?:^|,)\s*t=(\d+)/.exec(header)?.[1];
  if (t !== undefined && Number(t) - Math.floor(nowMs / 1000) > WEBHOOK_TOLERANCE_SECONDS) {
    throw new WebhookVerificationError('Stripe webhook: signature timestamp is too far in the future');
  }
}

const payloadError = (problem: SchemaProblem): Error =>
  new WebhookPayloadError(`Stripe webhook body is not a documented event: ${problem.detail}`);

export async function parseStripeWebhook(
  ctx: WebhookContext,
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined>,
): Promise<WebhookOutcome> {
  const header = signatureHeader(headers);
  const nowMs = ctx.now();
  let body: unknown;
  try {
    body = ctx.stripe.webhooks.constructEvent(
      rawBody,
      header,
      ctx.webhookSecret,
      WEBHOOK_TOLERANCE_SECONDS,
      undefined,
      nowMs,
    );
  } catch (err) {
    if (err instanceof Stripe.errors.StripeSignatureVerificationError) {
      // The SDK's message is about the header and body, never the secret; keep only its first line.
      throw new WebhookVerificationError(`Stripe webhook signature rejected: ${err.message.split('\n')[0] ?? ''}`);
    }
    // Verified, but not JSON (or a v2 "thin" notification sent to a v1 endpoint).
    throw new WebhookPayloadError(`Stripe webhook body could not be read as an event: ${(err as Error).message}`);
  }
  assertNotFromTheFuture(header, nowMs);

  const parsed = check(eventSchema, body);
  if (!parsed.ok) throw payloadError(parsed.problem);
  const event = parsed.value;
  const eventId = event.id;

  if (!event.account) {
    return {
      kind: 'ignored',
      eventId,
      reason: "event has no connected account: it is the platform's own, not a firm's",
    };
  }
  if (event.account !== ctx.connectedAccount) {
    return { kind: 'ignored', eventId, reason: `event belongs to connected account ${event.account}, not this firm's` };
  }
  const translation = translateEvent(event, ctx.connectedAccount, payloadError);
  if (translation.kind === 'ignored') return { kind: 'ignored', eventId, reason: translation.reason };
  const [payment] = await resolveReferences([translation], ctx.referenceOfIntent);
  if (!payment) throw new Error('unreachable: a translated payment disappeared');
  return { kind: 'payment', eventId, payment };
}
