import type { LawPayContext } from './context';
import type { GatewayEvent, WebhookSubscription } from './state';

/**
 * Sandbox extension: LawPay's webhook registration, signing and retry policy are undocumented, so URLs are
 * registered on the control surface and deliveries carry no signature (consumers re-fetch the transaction).
 */
export function subscribeWebhook(ctx: LawPayContext, url: string): WebhookSubscription {
  const subscription: WebhookSubscription = { id: ctx.state.nextWebhookId++, url, created: ctx.nowIso() };
  ctx.state.webhooks.set(subscription.id, subscription);
  return subscription;
}

export function deliverEvent(ctx: LawPayContext, event: GatewayEvent): void {
  const body = JSON.stringify(event);
  for (const subscription of ctx.state.webhooks.values()) {
    ctx.deliverer.enqueue({ url: subscription.url, body, headers: {}, eventId: event.id });
  }
}
