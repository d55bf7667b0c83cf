import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PROCESSOR_NAMES } from '../../shared/processors';
import { ProcessedEventRepository } from '../../store/processedEvents';
import { startOrSignalReconciliation } from '../starters';
import { rejectWebhook } from './rejectWebhook';
import type { IngressDeps } from './server';
import { withTemporalDeadline } from './temporalDeadline';

/**
 * Payment webhooks (docs/architecture.md §7): the processor connector verifies (Stripe's signature; LawPay signs nothing, so its
 * event is only a hint: the connector re-fetches the transaction and keys the outcome by (transaction, status)) and
 * translates. The payment's reconciliation workflow is started under the transaction's own ID, so three deliveries
 * of one event start one workflow. Only an accepted payment is recorded in processed_events, and only after Temporal
 * accepted it: a refused delivery, a hint naming no real transaction and an event about something else leave
 * nothing behind, so an id a sender chose can never make a later real event look like a duplicate.
 */
export function registerPaymentWebhooks(app: FastifyInstance, deps: IngressDeps): void {
  const events = new ProcessedEventRepository(deps.db);
  for (const processorName of PROCESSOR_NAMES) {
    const log = deps.logger.child({ component: 'ingress', source: processorName });
    app.post(`/webhooks/${processorName}`, async (req, reply) => {
      const query = z.object({ firm: z.string().optional() }).safeParse(req.query);
      const firmId = (query.success && query.data.firm) || deps.config.FIRM_ID;
      let processor;
      try {
        processor = deps.firms.get(firmId).processor;
      } catch {
        return reply.code(404).send({ error: `firm ${firmId} is not served here` });
      }
      if (processor.name !== processorName)
        return reply.code(404).send({ error: `${processorName} is not this firm's processor` });
      try {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const duplicate = () => {
          deps.metrics.webhooksReceived.inc({ source: processorName, outcome: 'duplicate' });
          return reply.code(200).send({ status: 'duplicate' });
        };
        // A replayed hint for work already done is answered before it costs a vendor API call.
        const claimed = processor.claimedEventId?.(raw);
        if (claimed && (await events.seen(firmId, processorName, claimed))) return duplicate();
        const outcome = await processor.parseWebhook(raw, req.headers);
        if (outcome.kind === 'ignored') {
          deps.metrics.webhooksReceived.inc({ source: processorName, outcome: 'ignored' });
          return reply.code(200).send({ status: 'ignored' });
        }
        // Looked up already when the body named this same event before the processor was read.
        if (outcome.eventId !== claimed && (await events.seen(firmId, processorName, outcome.eventId)))
          return duplicate();
        const { payment } = outcome;
        await withTemporalDeadline(deps.temporal, () =>
          startOrSignalReconciliation(deps.temporal, deps.config, firmId, payment, {
            readJustNow: outcome.readJustNow,
          }),
        );
        await events.record(firmId, processorName, outcome.eventId, `${payment.kind}.${payment.status}`);
        deps.metrics.webhooksReceived.inc({ source: processorName, outcome: 'accepted' });
        return reply.code(200).send({ status: 'accepted' });
      } catch (err) {
        return rejectWebhook(reply, err, processorName, deps, log);
      }
    });
  }
}
