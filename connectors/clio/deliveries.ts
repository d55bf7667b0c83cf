import { VendorRejectedError, WebhookVerificationError } from '../errors';
import type { Matter, PracticeEvent, PracticeWebhookOutcome, WebhookHeaders, WebhookSubscriptionStore } from '../ports';
import { parseClioDelivery, peekClioWebhookId, verifyClioSignature } from './webhooks';

/** Clio confirms a new webhook by sending X-Hook-Secret; echoing it back enables the hook (docs/vendors.md §1.5). */
export function answerClioHandshake(
  headers: WebhookHeaders,
): { headers: Record<string, string>; body: unknown } | null {
  const secret = headers['x-hook-secret'];
  if (typeof secret !== 'string' || !secret) return null;
  // Harmless for a hook we did not create: its deliveries carry an id we do not know and are refused.
  return { headers: { 'X-Hook-Secret': secret }, body: { status: 'confirmed' } };
}

export const claimedClioWebhookId = peekClioWebhookId;

/**
 * Verifies a delivery against the secret of the webhook it names (so one firm's secret never opens another's) and
 * says what it means for billing. A matter delivery may be late or replayed after the matter changed again, so the
 * matter is re-read and reported as Clio shows it now.
 */
export async function translateClioDelivery(
  rawBody: Buffer,
  headers: WebhookHeaders,
  subscriptions: WebhookSubscriptionStore | undefined,
  getMatter: (id: string) => Promise<Matter>,
): Promise<PracticeWebhookOutcome> {
  const webhookId = peekClioWebhookId(rawBody);
  const hook = await subscriptions?.byId(webhookId);
  if (!hook) throw new WebhookVerificationError(`unknown webhook ${webhookId}`);
  const signature = headers['x-hook-signature'];
  verifyClioSignature(rawBody, typeof signature === 'string' ? signature : undefined, hook.secret);
  const delivery = parseClioDelivery(rawBody);
  if (delivery.event === 'deleted') return { kind: 'ignored', reason: 'a deletion' };
  if (hook.topic === 'activity') {
    const matter = delivery.fields.matter as { id?: unknown } | null | undefined;
    if (!matter?.id) return { kind: 'ignored', reason: 'a time entry on no matter' };
    return {
      kind: 'events',
      events: [{ kind: 'entryApproved', matterId: String(matter.id), entryId: delivery.recordId }],
    };
  }
  if (hook.topic === 'matter') {
    const matter = await getMatter(delivery.recordId).catch((err: unknown) => {
      if (err instanceof VendorRejectedError && err.status === 404) return null;
      throw err;
    });
    if (!matter) return { kind: 'ignored', reason: 'the matter is gone' };
    const summary = {
      id: matter.id,
      displayNumber: matter.displayNumber,
      status: matter.status,
      clientReference: matter.clientReference,
      billingMethod: matter.billingMethod,
      billingDay: matter.billingDay,
    };
    const announcedNew = delivery.event === 'created' || delivery.event === 'matter_opened';
    const kind: Exclude<PracticeEvent['kind'], 'entryApproved'> =
      matter.status === 'closed'
        ? 'matterClosed'
        : announcedNew && matter.status === 'open'
          ? 'matterOpened'
          : 'matterChanged';
    return { kind: 'events', events: [{ kind, matter: summary }] };
  }
  return { kind: 'ignored', reason: `a delivery about ${hook.topic}` };
}
