import type { SubscriptionAction, SubscriptionUpkeep, WebhookSubscriptionStore } from '../ports';
import { VendorRejectedError } from '../errors';
import type { ClioHttp } from './http';
import {
  activateClioWebhook,
  createClioWebhook,
  deleteClioWebhook,
  getClioWebhook,
  renewClioWebhook,
  WEBHOOK_RENEW_BEFORE_MS,
  type ClioWebhookSpec,
} from './webhooks';

/** Where Clio delivers, under the ingress's public base URL. */
export const CLIO_WEBHOOK_PATH = '/webhooks/clio';

/**
 * The Clio webhooks matterpay lives on. Clio fires `updated` only when a subscribed field changes, so the fields
 * are chosen with care: activities include `etag` (any change to a time entry may change what is billable), but
 * matters list only what billing depends on, so matterpay's own notes and reference writes do not echo back as
 * matter updates and re-evaluations. The topic of each subscription is Clio's model name.
 */
export function clioWebhookSpecs(ingressBaseUrl: string): ClioWebhookSpec[] {
  const url = `${ingressBaseUrl}${CLIO_WEBHOOK_PATH}`;
  return [
    { url, model: 'activity', events: ['created', 'updated'], fields: 'id,etag,matter{id}' },
    {
      url,
      model: 'matter',
      events: ['created', 'updated', 'matter_opened', 'matter_pended', 'matter_closed'],
      fields: 'id,status,display_number,billing_method',
    },
  ];
}

/**
 * Makes sure each webhook exists, is enabled and is far from expiry: created when missing (Clio then handshakes
 * with the ingress), re-activated with its secret when pending or suspended, renewed within a week of expiry, and
 * the old one retired when the ingress moved (so Clio does not deliver twice).
 */
export async function maintainClioWebhooks(
  http: ClioHttp,
  subscriptions: WebhookSubscriptionStore,
  ingressBaseUrl: string,
  now = Date.now(),
): Promise<SubscriptionUpkeep[]> {
  const results: SubscriptionUpkeep[] = [];
  for (const spec of clioWebhookSpecs(ingressBaseUrl)) {
    const stored = await subscriptions.byTopic(spec.model);
    let action: SubscriptionAction = 'unchanged';
    let hook = stored
      ? await getClioWebhook(http, stored.subscriptionId).catch((err: unknown) => {
          if (err instanceof VendorRejectedError && err.status === 404) return null;
          throw err;
        })
      : null;
    if (hook && hook.url !== spec.url) {
      await deleteClioWebhook(http, hook.id).catch(() => undefined);
      hook = null;
    }
    if (!hook) {
      hook = await createClioWebhook(http, spec, now);
      if (!hook.sharedSecret) throw new Error(`Clio did not return a shared secret for the ${spec.model} webhook`);
      await subscriptions.save({
        subscriptionId: hook.id,
        topic: spec.model,
        secret: hook.sharedSecret,
        status: hook.status,
        expiresAt: hook.expiresAt,
      });
      action = 'created';
    } else {
      if (hook.status !== 'enabled' && stored) {
        await activateClioWebhook(http, hook.id, stored.secret);
        action = 're-activated';
      }
      if (new Date(hook.expiresAt).getTime() - now < WEBHOOK_RENEW_BEFORE_MS) {
        hook = await renewClioWebhook(http, hook.id, now);
        action = action === 'unchanged' ? 'renewed' : 're-activated, renewed';
      }
      await subscriptions.updateState(spec.model, hook.status, hook.expiresAt);
    }
    results.push({ topic: spec.model, action });
  }
  return results;
}
