import type { FastifyInstance } from 'fastify';
import { WebhookVerificationError } from '../../connectors';
import type { PracticeEvent } from '../../connectors';
import { MatterLinkRepository } from '../../store/matterLinks';
import { PracticeSubscriptionRepository } from '../../store/practiceSubscriptions';
import { signalMatterBilling } from '../starters';
import { rejectWebhook } from './rejectWebhook';
import type { IngressDeps } from './server';
import { withTemporalDeadline } from './temporalDeadline';

/**
 * Practice-system webhooks (docs/architecture.md §7): the subscription handshake, then deliveries. The
 * ingress finds the firm of the subscription a delivery names; that firm's connector verifies the delivery and
 * translates it into business events, each turned into a signal to the matter's billing workflow. 2xx only once
 * Temporal accepted them; 503 when Temporal is down, so the practice system retries.
 */
export function registerPracticeWebhooks(app: FastifyInstance, deps: IngressDeps): void {
  const subscriptions = new PracticeSubscriptionRepository(deps.db, deps.box);
  const links = new MatterLinkRepository(deps.db);
  for (const [system, connector] of deps.firms.practiceSystems()) {
    const log = deps.logger.child({ component: 'ingress', source: system });
    app.post(`/webhooks/${system}`, async (req, reply) => {
      const handshake = connector.answerHandshake(req.headers);
      if (handshake) {
        deps.metrics.webhooksReceived.inc({ source: system, outcome: 'handshake' });
        return reply.headers(handshake.headers).code(200).send(handshake.body);
      }
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      try {
        const subscriptionId = connector.claimedSubscriptionId(raw);
        const firmId = await subscriptions.firmOf(subscriptionId);
        if (!firmId || !deps.firms.ids().includes(firmId))
          throw new WebhookVerificationError(`unknown webhook ${subscriptionId}`);
        const practice = deps.firms.get(firmId).practice;
        if (practice.name !== system)
          throw new WebhookVerificationError(`webhook ${subscriptionId} is not a ${system} webhook`);
        const outcome = await practice.parseWebhook(raw, req.headers);
        const status = outcome.kind === 'ignored' ? 'ignored' : 'accepted';
        if (outcome.kind === 'events') for (const event of outcome.events) await act(firmId, event);
        deps.metrics.webhooksReceived.inc({ source: system, outcome: status });
        return reply.code(200).send({ status });
      } catch (err) {
        return rejectWebhook(reply, err, system, deps, log);
      }
    });
  }

  async function act(firmId: string, event: PracticeEvent): Promise<void> {
    if (event.kind === 'entryApproved') {
      await withTemporalDeadline(deps.temporal, () =>
        signalMatterBilling(deps.temporal, deps.config, firmId, event.matterId, {
          kind: 'timeEntryApproved',
          payload: { entryId: event.entryId },
        }),
      );
      return;
    }
    const { matter } = event;
    // New matters are mapped as soon as the practice system announces them (docs/domain.md §4.6).
    await links.add(firmId, {
      processor: 'any',
      externalReference: matter.displayNumber,
      practiceMatterId: matter.id,
      matterDisplayNumber: matter.displayNumber,
      source: 'webhook',
    });
    // Reminders stop on a closed matter: the status is the one the practice system shows now, not the delivery's.
    await withTemporalDeadline(deps.temporal, () =>
      signalMatterBilling(deps.temporal, deps.config, firmId, matter.id, {
        kind: 'matterStatusChanged',
        payload: { status: matter.status },
      }),
    );
  }
}
