import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ProcessorName } from '../../connectors/ports';
import { ProcessedEventRepository } from '../../store/processedEvents';
import { startOrSignalReconciliation } from '../starters';
import { rejectWebhook } from './clioWebhook';
import type { IngressDeps } from './server';
import { withTemporalDeadline } from './temporalDeadline';

/**
 * Payment webhooks (DESIGN §7): the processor connector verifies (Stripe's signature; LawPay signs nothing, so its
 * connector re-fetches the transaction from the API) and translates. The payment's reconciliation workflow is
 * started under the transaction's own ID, so three deliveries of one event start one workflow; the event id is
 * recorded only after Temporal accepted, so a refused delivery leaves nothing behind.
 */
export function registerPaymentWebhooks(app: FastifyInstance, deps: IngressDeps): void {
  const events = new ProcessedEventRepository(deps.db);
  for (const processorName of ['lawpay', 'stripe'] as const satisfies readonly ProcessorName[]) {
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
      if (processor.name !== processorName) return reply.code(404).send({ error: `${processorName} is not this firm's processor` });
      try {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const outcome = await processor.parseWebhook(raw, req.headers);
        if (await events.seen(firmId, processorName, outcome.eventId)) {
          deps.metrics.webhooksReceived.inc({ source: processorName, outcome: 'duplicate' });
          return reply.code(200).send({ status: 'duplicate' });
        }
        if (outcome.kind === 'payment') {
          const { payment } = outcome;
          await withTemporalDeadline(deps.temporal, () => startOrSignalReconciliation(deps.temporal, deps.config, firmId, payment));
        }
        await events.record(firmId, processorName, outcome.eventId, outcome.kind === 'payment' ? `${outcome.payment.kind}.${outcome.payment.status}` : 'ignored');
        const result = outcome.kind === 'payment' ? 'accepted' : 'ignored';
        deps.metrics.webhooksReceived.inc({ source: processorName, outcome: result });
        return reply.code(200).send({ status: result });
      } catch (err) {
        return rejectWebhook(reply, err, processorName, deps, log);
      }
    });
  }
}
