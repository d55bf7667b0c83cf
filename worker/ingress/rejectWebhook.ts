import type { FastifyReply } from 'fastify';
import {
  RateLimiterQueueFullError,
  VendorError,
  VendorRejectedError,
  WebhookPayloadError,
  WebhookVerificationError,
} from '../../connectors';
import type { Logger } from '../logger';
import type { IngressDeps } from './server';

/** The one answer to a webhook we did not accept: 401 forged, 400 malformed, 503 when we could not record it. */
export function rejectWebhook(reply: FastifyReply, err: unknown, source: string, deps: IngressDeps, log: Logger) {
  const reason = (err as Error).message.slice(0, 300);
  // A processor that refuses our re-fetch (4xx) does not confirm the event: as unverified as a bad signature.
  if (err instanceof WebhookVerificationError || err instanceof VendorRejectedError) {
    deps.metrics.webhooksReceived.inc({ source, outcome: 'unauthorized' });
    log.warn({ reason }, 'webhook refused: verification failed');
    return reply
      .code(401)
      .send({ error: err instanceof VendorRejectedError ? 'the processor does not confirm this event' : reason });
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
    return reply
      .code(503)
      .header('Retry-After', String(err.retryAfterSeconds ?? 30))
      .send({ error: 'busy; please retry' });
  }
  deps.metrics.webhooksReceived.inc({ source, outcome: 'unavailable' });
  const cause = (err as { cause?: { message?: string } }).cause?.message?.slice(0, 300);
  log.error({ err: reason, cause }, 'webhook not recorded: answering 503 so the sender retries');
  const retryAfter = err instanceof VendorError && err.retryAfterSeconds ? err.retryAfterSeconds : 30;
  return reply
    .code(503)
    .header('Retry-After', String(retryAfter))
    .send({ error: 'temporarily unable to record this event; please retry' });
}
