import type { FieldSchema } from '../fields';
import type { WebhookRecord } from '../state';

export const WEBHOOK_FIELDS: FieldSchema = {
  id: null,
  etag: null,
  url: null,
  model: null,
  events: null,
  fields: null,
  status: null,
  shared_secret: null,
  expires_at: null,
  created_at: null,
  updated_at: null,
};

export function renderWebhook(hook: WebhookRecord): Record<string, unknown> {
  return {
    id: hook.id,
    etag: hook.etag,
    url: hook.url,
    model: hook.model,
    events: [...hook.events],
    fields: hook.fields,
    status: hook.status,
    shared_secret: hook.shared_secret,
    expires_at: hook.expires_at,
    created_at: hook.created_at,
    updated_at: hook.updated_at,
  };
}
