import type { FastifyInstance } from 'fastify';
import { RateLimiterQueueFullError, parseClioDelivery, peekClioWebhookId, verifyClioSignature } from '../../connectors/clio';
import { VendorError, VendorRejectedError, WebhookPayloadError, WebhookVerificationError } from '../../connectors/errors';
import { ClioWebhookRepository } from '../../store/clioWebhooks';
import { MatterLinkRepository } from '../../store/matterLinks';
import { signalMatterBilling } from '../starters';
import type { IngressDeps } from './server';
import { withTemporalDeadline } from './temporalDeadline';

/**
 * Clio webhooks (DESIGN §7): the handshake, then signed deliveries. A delivery is verified against the secret of
 * the webhook it names (so one firm's secret never opens another's), validated, and turned into a signal to the
 * matter's billing workflow. 2xx only once Temporal accepted it; 503 when Temporal is down, so Clio retries.
 */
export function registerClioWebhook(app: FastifyInstance, deps: IngressDeps): void {
  const log = deps.logger.child({ component: 'ingress', source: 'clio' });
  const webhooks = new ClioWebhookRepository(deps.db, deps.box);
  const links = new MatterLinkRepository(deps.db);
  app.post('/webhooks/clio', async (req, reply) => {
    const handshake = req.headers['x-hook-secret'];
    if (typeof handshake === 'string' && handshake) {
      // Echoing the secret confirms the webhook. Harmless for a hook we did not create: its deliveries carry an id we
      // do not know and are refused below.
      deps.metrics.webhooksReceived.inc({ source: 'clio', outcome: 'handshake' });
      return reply.header('X-Hook-Secret', handshake).code(200).send({ status: 'confirmed' });
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      const webhookId = peekClioWebhookId(raw);
      const hook = await webhooks.byId(webhookId);
      if (!hook) throw new WebhookVerificationError(`unknown webhook ${webhookId}`);
      const signature = req.headers['x-hook-signature'];
      verifyClioSignature(raw, typeof signature === 'string' ? signature : undefined, hook.sharedSecret);
      const delivery = parseClioDelivery(raw);
      const outcome = await route(hook.firmId, hook.model, delivery);
      deps.metrics.webhooksReceived.inc({ source: 'clio', outcome });
      return reply.code(200).send({ status: outcome });
    } catch (err) {
      return rejectWebhook(reply, err, 'clio', deps, log);
    }
  });

  async function route(firmId: string, model: string, delivery: ReturnType<typeof parseClioDelivery>): Promise<string> {
    if (delivery.event === 'deleted') return 'ignored';
    if (model === 'activity') {
      const matter = delivery.fields.matter as { id?: unknown } | null | undefined;
      if (!matter?.id) return 'ignored';
      await withTemporalDeadline(deps.temporal, () => signalMatterBilling(deps.temporal, deps.config, firmId, String(matter.id), { kind: 'timeEntryApproved', payload: { entryId: delivery.recordId } }));
      return 'accepted';
    }
    if (model === 'matter') {
      // A delivery may be late, or a retry replayed after the matter changed again: what it says is only a hint.
      // Reminders stop on a closed matter, so act on the status Clio shows now.
      const matter = await currentMatter(firmId, delivery.recordId);
      if (!matter) return 'ignored';
      // New matters are mapped as soon as the practice system announces them (DESIGN §4.6).
      await links.add(firmId, { processor: 'any', externalReference: matter.displayNumber, practiceMatterId: matter.id, matterDisplayNumber: matter.displayNumber, source: 'webhook' });
      await withTemporalDeadline(deps.temporal, () => signalMatterBilling(deps.temporal, deps.config, firmId, matter.id, {
        kind: 'matterStatusChanged', payload: { status: matter.status },
      }));
      return 'accepted';
    }
    return 'ignored';
  }

  /** The matter as Clio shows it now; null when Clio no longer has it (deleted since the delivery was sent). */
  async function currentMatter(firmId: string, matterId: string) {
    try {
      return await deps.firms.get(firmId).practice.getMatter(matterId);
    } catch (err) {
      if (err instanceof VendorRejectedError && err.status === 404) return null;
      throw err;
    }
  }
}

/** The one answer to a webhook we did not accept: 401 forged, 400 malformed, 503 when we could not record it. */
export function rejectWebhook(
  reply: import('fastify').FastifyReply, err: unknown, source: string, deps: IngressDeps, log: import('../logger').Logger,
) {
  const reason = (err as Error).message.slice(0, 300);
  // A processor that refuses our re-fetch (4xx) does not confirm the event: as unverified as a bad signature.
  if (err instanceof WebhookVerificationError || err instanceof VendorRejectedError) {
    deps.metrics.webhooksReceived.inc({ source, outcome: 'unauthorized' });
    log.warn({ reason }, 'webhook refused: verification failed');
    return reply.code(401).send({ error: err instanceof VendorRejectedError ? 'the processor does not confirm this event' : reason });
  }
  if (err instanceof WebhookPayloadError) {
    deps.metrics.webhooksReceived.inc({ source, outcome: 'malformed' });
    log.warn({ reason }, 'webhook refused: malformed');
    return reply.code(400).send({ error: reason });
  }
  if (err instanceof RateLimiterQueueFullError) {
    // A flood's symptom, counted in metrics (matterpay_ingress_vendor_queue_rejected): one log line each would
    // turn a flood of webhooks into a flood of logs.
    deps.metrics.webhooksReceived.inc({ source, outcome: 'shed' });
    log.debug({ reason }, 'webhook shed: vendor queue full');
    return reply.code(503).header('Retry-After', String(err.retryAfterSeconds ?? 30)).send({ error: 'busy; please retry' });
  }
  deps.metrics.webhooksReceived.inc({ source, outcome: 'unavailable' });
  const cause = (err as { cause?: { message?: string } }).cause?.message?.slice(0, 300);
  log.error({ err: reason, cause }, 'webhook not recorded: answering 503 so the sender retries');
  const retryAfter = err instanceof VendorError && err.retryAfterSeconds ? err.retryAfterSeconds : 30;
  return reply.code(503).header('Retry-After', String(retryAfter)).send({ error: 'temporarily unable to record this event; please retry' });
}
