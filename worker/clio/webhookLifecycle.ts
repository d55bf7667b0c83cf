import {
  activateClioWebhook, createClioWebhook, deleteClioWebhook, getClioWebhook, renewClioWebhook, WEBHOOK_RENEW_BEFORE_MS, type ClioHttp, type ClioWebhookSpec,
} from '../../connectors/clio';
import { VendorRejectedError } from '../../connectors/errors';
import { ClioWebhookRepository } from '../../store/clioWebhooks';
import type { Db } from '../../store/db';
import type { SecretBox } from '../../store/encryption';
import type { Logger } from '../logger';

/**
 * The Clio webhooks matterpay lives on. Clio fires `updated` only when a subscribed field changes, so the fields
 * are chosen with care: activities include `etag` (any change to a time entry may change what is billable), but
 * matters list only what billing depends on, so matterpay's own notes and reference writes do not echo back as
 * matter updates and re-evaluations.
 */
export function clioWebhookSpecs(ingressUrl: string): ClioWebhookSpec[] {
  const url = `${ingressUrl}/webhooks/clio`;
  return [
    { url, model: 'activity', events: ['created', 'updated'], fields: 'id,etag,matter{id}' },
    { url, model: 'matter', events: ['created', 'updated', 'matter_opened', 'matter_pended', 'matter_closed'], fields: 'id,status,display_number,billing_method' },
  ];
}

/**
 * Makes sure each webhook exists, is enabled and is far from expiry: created when missing (Clio then handshakes
 * with the ingress), re-activated with its secret when pending or suspended, renewed within a week of expiry.
 * Safe to run on every start and on a schedule.
 */
export async function ensureClioWebhooks(options: {
  firmId: string; http: ClioHttp; db: Db; box: SecretBox; ingressUrl: string; logger: Logger; now?: number;
}): Promise<Array<{ model: string; action: string }>> {
  const { firmId, http, db, box, logger } = options;
  const now = options.now ?? Date.now();
  const results: Array<{ model: string; action: string }> = [];
  const webhooks = new ClioWebhookRepository(db, box);
  for (const spec of clioWebhookSpecs(options.ingressUrl)) {
    const stored = await webhooks.byModel(firmId, spec.model);
    let action = 'unchanged';
    let hook = stored ? await getClioWebhook(http, stored.webhookId).catch((err: unknown) => {
      if (err instanceof VendorRejectedError && err.status === 404) return null;
      throw err;
    }) : null;
    if (hook && hook.url !== spec.url) {
      // The ingress moved (PUBLIC_BASE_URL changed): retire the old hook so Clio does not deliver twice.
      await deleteClioWebhook(http, hook.id).catch(() => undefined);
      hook = null;
    }
    if (!hook) {
      hook = await createClioWebhook(http, spec, now);
      if (!hook.sharedSecret) throw new Error(`Clio did not return a shared secret for the ${spec.model} webhook`);
      await webhooks.save({ firmId, webhookId: hook.id, model: spec.model, sharedSecret: hook.sharedSecret, status: hook.status, expiresAt: hook.expiresAt });
      action = 'created';
    } else {
      if (hook.status !== 'enabled' && stored) {
        await activateClioWebhook(http, hook.id, stored.sharedSecret);
        action = 're-activated';
      }
      if (new Date(hook.expiresAt).getTime() - now < WEBHOOK_RENEW_BEFORE_MS) {
        hook = await renewClioWebhook(http, hook.id, now);
        action = action === 'unchanged' ? 'renewed' : `${action}, renewed`;
      }
      await webhooks.updateState(firmId, spec.model, hook.status, hook.expiresAt);
    }
    if (action !== 'unchanged') logger.info({ model: spec.model, webhookId: hook.id, action }, 'Clio webhook');
    results.push({ model: spec.model, action });
  }
  return results;
}
