import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { WebhookPayloadError, WebhookVerificationError } from '../errors';
import { parseWebhookJson } from '../shared/validation';
import type { ClioHttp } from './http';
import { single, webhookDeliverySchema, webhookSchema } from './schemas';

/** Clio keeps a webhook at most 31 days; we ask for 30 and renew well before (docs/architecture.md §5, docs/vendors.md §1.5). */
export const WEBHOOK_LIFETIME_MS = 30 * 86_400_000;
export const WEBHOOK_RENEW_BEFORE_MS = 7 * 86_400_000;

export interface ClioWebhookSpec {
  url: string;
  model: 'matter' | 'activity';
  events: string[];
  /** Fields the delivery carries; for `updated`, also which changes fire it. */
  fields: string;
}

export interface ClioWebhook {
  id: string;
  model: string;
  url: string;
  status: 'pending' | 'enabled' | 'suspended';
  sharedSecret: string | null;
  expiresAt: string;
}

const webhookFields = 'id,url,model,status,shared_secret,expires_at';

function toWebhook(data: z.output<typeof webhookSchema>): ClioWebhook {
  return {
    id: data.id,
    model: data.model,
    url: data.url,
    status: data.status,
    sharedSecret: data.shared_secret ?? null,
    expiresAt: data.expires_at,
  };
}

export async function createClioWebhook(http: ClioHttp, spec: ClioWebhookSpec, now = Date.now()): Promise<ClioWebhook> {
  const { data } = await http.request('POST', '/webhooks.json', {
    query: { fields: webhookFields },
    body: { data: { ...spec, expires_at: new Date(now + WEBHOOK_LIFETIME_MS).toISOString() } },
    schema: single(webhookSchema),
  });
  return toWebhook(data);
}

export async function getClioWebhook(http: ClioHttp, id: string): Promise<ClioWebhook> {
  const { data } = await http.request('GET', `/webhooks/${encodeURIComponent(id)}.json`, {
    query: { fields: webhookFields },
    schema: single(webhookSchema),
  });
  return toWebhook(data);
}

export async function renewClioWebhook(http: ClioHttp, id: string, now = Date.now()): Promise<ClioWebhook> {
  const { data } = await http.request('PATCH', `/webhooks/${encodeURIComponent(id)}.json`, {
    query: { fields: webhookFields },
    body: { data: { expires_at: new Date(now + WEBHOOK_LIFETIME_MS).toISOString() } },
    schema: single(webhookSchema),
  });
  return toWebhook(data);
}

/** Confirms a webhook whose handshake we missed (or that was suspended): PUT /webhooks/{id}/activate. */
export async function activateClioWebhook(http: ClioHttp, id: string, sharedSecret: string): Promise<void> {
  await http.request('PUT', `/webhooks/${encodeURIComponent(id)}/activate`, {
    body: {},
    headers: { 'X-Hook-Secret': sharedSecret },
    schema: z.unknown(),
  });
}

export async function deleteClioWebhook(http: ClioHttp, id: string): Promise<void> {
  await http.request('DELETE', `/webhooks/${encodeURIComponent(id)}.json`, { schema: z.unknown() });
}

/** X-Hook-Signature: lowercase hex HMAC-SHA256 of the raw body with the webhook's shared secret; compared in constant time. */
export function verifyClioSignature(rawBody: Buffer, signature: string | undefined, sharedSecret: string): void {
  if (!signature) throw new WebhookVerificationError('missing X-Hook-Signature header');
  const expected = createHmac('sha256', sharedSecret).update(rawBody).digest();
  const given = Buffer.from(signature.trim().toLowerCase(), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new WebhookVerificationError('X-Hook-Signature does not match the body');
  }
}

export interface ClioDelivery {
  webhookId: string;
  event: string;
  recordId: string;
  /** The subscribed fields of the record, as delivered (minimal by design: re-fetch before deciding). */
  fields: Record<string, unknown>;
}

/** Reads only the webhook id, so the right secret can be found before the body is trusted. */
export function peekClioWebhookId(rawBody: Buffer): string {
  try {
    // Clio's webhook ids are numbers; anything else (a NUL byte, a 5 kB string) must not reach a query or a log line.
    const webhookId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]);
    const parsed = z.object({ meta: z.object({ webhook_id: webhookId }) }).parse(JSON.parse(rawBody.toString('utf8')));
    return String(parsed.meta.webhook_id);
  } catch {
    throw new WebhookPayloadError('body is not a Clio webhook delivery: meta.webhook_id is missing');
  }
}

export function parseClioDelivery(rawBody: Buffer): ClioDelivery {
  const { data, meta } = parseWebhookJson(rawBody, webhookDeliverySchema);
  return { webhookId: meta.webhook_id, event: meta.event, recordId: data.id, fields: data };
}
