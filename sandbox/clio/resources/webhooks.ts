import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isoTimestamp } from '../../common/clock';
import { randomToken } from '../../common/randomIds';
import type { ClioContext } from '../context';
import { clioError } from '../errors';
import { parseFields } from '../fields';
import { timestamps, touch } from '../operations/records';
import { WEBHOOK_FIELDS, renderWebhook } from '../representations/webhooks';
import type { WebhookRecord } from '../state';
import { nextId } from '../state';
import { startHandshake } from '../webhookEvents';
import type { WebhookModel } from '../webhookModels';
import { WEBHOOK_MODEL_FIELDS, eventsAllowedFor, modelFromInput } from '../webhookModels';
import type { ReadableResource } from './readRoutes';
import { findOr404, idParam, registerReadRoutes, sendRecord } from './readRoutes';
import { parseDataEnvelope } from './requestBody';

const DAY_MS = 24 * 3600 * 1000;
const DEFAULT_LIFETIME_MS = 3 * DAY_MS;
const MAX_LIFETIME_MS = 31 * DAY_MS;

/**
 * Clio requires an https URL. The sandbox deliberately also accepts http (e.g. http://127.0.0.1:8787) so a
 * local ingress can receive deliveries without TLS.
 */
const hookUrl = z.string().refine((value) => {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

const webhookCreateSchema = z.object({
  url: hookUrl,
  model: z.union([z.string(), z.number()]),
  events: z.array(z.string()).min(1),
  fields: z.string().max(1000).nullable().optional(),
  expires_at: z.string().optional(),
});

const webhookUpdateSchema = z.object({
  url: hookUrl.optional(),
  events: z.array(z.string()).min(1).optional(),
  fields: z.string().max(1000).nullable().optional(),
  expires_at: z.string().optional(),
});

function checkEvents(model: WebhookModel, events: string[]): string[] {
  const allowed = eventsAllowedFor(model);
  const unknown = events.filter((event) => !allowed.includes(event));
  if (unknown.length > 0) {
    throw clioError(422, `events: ${unknown.join(', ')} not supported for ${model} (allowed: ${allowed.join(', ')})`);
  }
  return [...new Set(events)];
}

function checkFields(model: WebhookModel, fields: string | null | undefined): string | null {
  if (!fields) return null;
  const schema = WEBHOOK_MODEL_FIELDS[model];
  if (schema) parseFields(fields, schema, model);
  return fields;
}

function checkExpiry(ctx: ClioContext, raw: string | undefined): string {
  const now = ctx.now();
  if (raw === undefined) return isoTimestamp(now + DEFAULT_LIFETIME_MS);
  const expiresAt = Date.parse(raw);
  if (Number.isNaN(expiresAt)) throw clioError(422, 'expires_at must be an ISO-8601 timestamp');
  if (expiresAt <= now) throw clioError(422, 'expires_at must be in the future');
  if (expiresAt > now + MAX_LIFETIME_MS) throw clioError(422, 'expires_at cannot be more than 31 days from now');
  return isoTimestamp(expiresAt);
}

export const webhookResource: ReadableResource<WebhookRecord> = {
  name: 'Webhook',
  path: '/api/v4/webhooks',
  fields: WEBHOOK_FIELDS,
  sortable: ['id', 'created_at', 'updated_at'],
  records: (ctx) => ctx.state.webhooks,
  render: (_ctx, hook) => renderWebhook(hook),
};

export function registerWebhookRoutes(api: FastifyInstance, ctx: ClioContext): void {
  registerReadRoutes(api, ctx, webhookResource);

  api.post(webhookResource.path, async (request, reply) => {
    const input = parseDataEnvelope(request, webhookCreateSchema);
    const model = modelFromInput(input.model);
    if (!model) throw clioError(422, `model: unknown webhook model '${input.model}'`);
    const hook: WebhookRecord = {
      id: nextId(ctx.state, 'webhook'),
      ...timestamps(ctx),
      url: input.url,
      model,
      events: checkEvents(model, input.events),
      fields: checkFields(model, input.fields),
      status: 'pending',
      shared_secret: randomToken(24),
      expires_at: checkExpiry(ctx, input.expires_at),
      lastPayloadByRecord: new Map(),
    };
    ctx.state.webhooks.set(hook.id, hook);
    startHandshake(ctx, hook);
    return sendRecord(ctx, request, reply, webhookResource, hook, 201);
  });

  api.patch(`${webhookResource.path}/:id`, async (request, reply) => {
    const hook = findOr404(ctx.state.webhooks, idParam(request, 'Webhook'), 'Webhook');
    const input = parseDataEnvelope(request, webhookUpdateSchema);
    const model = hook.model as WebhookModel;
    if (input.events !== undefined) hook.events = checkEvents(model, input.events);
    if (input.fields !== undefined) hook.fields = checkFields(model, input.fields);
    if (input.expires_at !== undefined) hook.expires_at = checkExpiry(ctx, input.expires_at);
    const urlChanged = input.url !== undefined && input.url !== hook.url;
    if (urlChanged) {
      // A new URL must prove it is ours before it gets data.
      hook.url = input.url!;
      hook.status = 'pending';
    }
    touch(ctx, hook);
    if (urlChanged) startHandshake(ctx, hook);
    return sendRecord(ctx, request, reply, webhookResource, hook);
  });

  api.delete(`${webhookResource.path}/:id`, async (request, reply) => {
    const hook = findOr404(ctx.state.webhooks, idParam(request, 'Webhook'), 'Webhook');
    ctx.state.webhooks.delete(hook.id);
    return reply.code(204).send();
  });

  /** The alternative to echoing the secret during the handshake: prove it later with the same header. */
  api.put(`${webhookResource.path}/:id/activate`, async (request, reply) => {
    const hook = findOr404(ctx.state.webhooks, idParam(request, 'Webhook'), 'Webhook');
    const secret = request.headers['x-hook-secret'];
    if (secret !== hook.shared_secret) throw clioError(422, 'X-Hook-Secret header does not match this webhook');
    if (hook.status !== 'enabled') {
      hook.status = 'enabled';
      touch(ctx, hook);
    }
    return sendRecord(ctx, request, reply, webhookResource, hook);
  });
}
