import crypto from 'node:crypto';
import type { ClioContext } from './context';
import { DEFAULT_FIELDS, parseFields, selectFields } from './fields';
import type { FieldSelection } from './fields';
import type { WebhookModel } from './webhookModels';
import { WEBHOOK_MODEL_FIELDS } from './webhookModels';
import type { WebhookRecord } from './state';

/** `X-Hook-Signature`: lowercase hex HMAC-SHA256 of the raw body, keyed by the hook's shared secret. */
export function signWebhookBody(sharedSecret: string, body: string): string {
  return crypto.createHmac('sha256', sharedSecret).update(body, 'utf8').digest('hex');
}

function selectionFor(hook: WebhookRecord): FieldSelection[] {
  const schema = WEBHOOK_MODEL_FIELDS[hook.model as WebhookModel];
  if (!schema || !hook.fields) return DEFAULT_FIELDS;
  return parseFields(hook.fields, schema, hook.model);
}

function isLive(ctx: ClioContext, hook: WebhookRecord): boolean {
  return hook.status === 'enabled' && Date.parse(hook.expires_at) > ctx.now();
}

/**
 * Confirms a new (or re-pointed) hook: POST with `X-Hook-Secret`; a 200 that echoes the same header enables it.
 * The handshake body is undocumented; receivers must key on the header. Runs after the API response is sent.
 */
export function startHandshake(ctx: ClioContext, hook: WebhookRecord): void {
  const { id, url, shared_secret: secret } = hook;
  // Deleted, re-pointed or reset in the meantime: nothing left to confirm.
  const isStillPending = () => ctx.state.webhooks.get(id) === hook && hook.url === url && hook.status === 'pending';
  ctx.deliverer.defer(async () => {
    if (!isStillPending()) return;
    const outcome = await ctx.deliverer.postOnce(url, JSON.stringify({ meta: { webhook_id: id } }), {
      'X-Hook-Secret': secret,
    });
    if (isStillPending() && outcome.status === 200 && outcome.headers?.get('x-hook-secret') === secret) {
      hook.status = 'enabled';
      hook.etag = ctx.newEtag();
      hook.updated_at = ctx.nowIso();
    }
  });
}

/**
 * Fans one record event out to every live hook subscribed to it. `updated` fires only when one of the hook's
 * fields changed since the last payload it was sent (the first update of an unseen record always fires).
 */
export function emitRecordEvent(
  ctx: ClioContext,
  model: WebhookModel,
  event: string,
  recordId: number,
  render: () => Record<string, unknown>,
): void {
  let full: Record<string, unknown> | undefined;
  for (const hook of ctx.state.webhooks.values()) {
    if (hook.model !== model || !hook.events.includes(event) || !isLive(ctx, hook)) continue;
    full ??= render();
    const data = selectFields(full, selectionFor(hook));
    const snapshot = JSON.stringify(data);
    if (event === 'updated' && hook.lastPayloadByRecord.get(recordId) === snapshot) continue;
    if (event === 'created' || event === 'updated') hook.lastPayloadByRecord.set(recordId, snapshot);
    if (event === 'deleted') hook.lastPayloadByRecord.delete(recordId);
    const body = JSON.stringify({ data, meta: { event, webhook_id: hook.id } });
    ctx.deliverer.enqueue({
      url: hook.url,
      body,
      headers: { 'X-Hook-Signature': signWebhookBody(hook.shared_secret, body) },
      eventId: `${model}.${event}.${recordId}.${String(full.etag ?? '').replaceAll('"', '')}.hook${hook.id}`,
      onGone: () => {
        hook.status = 'suspended';
        hook.etag = ctx.newEtag();
        hook.updated_at = ctx.nowIso();
      },
    });
  }
}
