import type { LawPayContext } from './context';
import type { GatewayEvent, WebhookSubscription } from './state';

/**
 * Sandbox extension: LawPay's webhook registration, signing and retry policy are undocumented, so URLs are
 * registered on the control surface and deliveries carry no signature (consumers re-fetch the transaction).
 */
/**
 * One subscription per URL, as support sets them up: `matterpay start` registers its ingress on every start, and a
 * sandbox that kept its state across the restart must not deliver each event twice.
 */
export function subscribeWebhook(
  ctx: LawPayContext,
  url: string,
): { subscription: WebhookSubscription; created: boolean } {
  const existing = [...ctx.state.webhooks.values()].find((subscription) => subscription.url === url);
  if (existing) return { subscription: existing, created: false };
  const subscription: WebhookSubscription = { id: ctx.state.nextWebhookId++, url, created: ctx.nowIso() };
  ctx.state.webhooks.set(subscription.id, subscription);
  return { subscription, created: true };
}

export function deliverEvent(ctx: LawPayContext, event: GatewayEvent): void {
  const body = JSON.stringify(event);
  for (const subscription of ctx.state.webhooks.values()) {
    ctx.deliverer.enqueue({ url: subscription.url, body, headers: {}, eventId: event.id });
  }
}
