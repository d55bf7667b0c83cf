import { createHmac } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { matterStatusQuery } from '../../shared/messages';
import { workflowIds } from '../../shared/workflowIds';
import { PracticeSubscriptionRepository } from '../../store/practiceSubscriptions';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';

/**
 * A Clio "matter closed" delivery can arrive late, or be replayed by Clio's retries after the matter was re-opened
 * (issue 10, finding 5). Reminders stop on a closed matter, so the ingress re-reads the matter's status from Clio
 * and signals what Clio says now, not what an old delivery said.
 */
describe('Clio matter status: what Clio says now, not what an old delivery said', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  let ingressUrl: string;
  useBillingHarness(devServerEnvironment, async (started, harness) => {
    env = started;
    h = harness;
    ingressUrl = (await h.startIngress()).url;
    await h.firms.get(FIRM).practice.maintainWebhookSubscriptions(ingressUrl);
    await h.clio.webhooksIdle();
  });

  async function deliverMatterClosed(matter: { id: number; display_number: string }): Promise<number> {
    const hook = (await new PracticeSubscriptionRepository(h.database.db, h.box).forFirm(FIRM).byTopic('matter'))!;
    const body = JSON.stringify({
      data: { id: matter.id, etag: '"an-old-etag"', status: 'Closed', display_number: matter.display_number },
      meta: { event: 'matter_closed', webhook_id: Number(hook.subscriptionId) },
    });
    const response = await fetch(`${ingressUrl}/webhooks/clio`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hook-signature': createHmac('sha256', hook.secret).update(body).digest('hex'),
      },
      body,
    });
    return response.status;
  }

  /** The statuses the matter's billing workflow was signalled, in order, as its history records them. */
  async function signalledStatuses(matterId: number): Promise<string[]> {
    const history = await env.client.workflow
      .getHandle(workflowIds.matterBilling(FIRM, String(matterId)))
      .fetchHistory();
    return (history.events ?? []).flatMap((e) => {
      const signal = e.workflowExecutionSignaledEventAttributes;
      if (signal?.signalName !== 'matterStatusChanged') return [];
      return [
        (JSON.parse(Buffer.from(signal.input!.payloads![0]!.data!).toString('utf8')) as { status: string }).status,
      ];
    });
  }

  it('a replayed "matter closed" for a matter Clio shows open keeps reminders going; a real close stops them', async () => {
    const matter = await h.createMatter();
    await h.addEntry(matter.id, 1);
    await h.clio.webhooksIdle();
    const before = (await signalledStatuses(matter.id).catch(() => [])).length;

    expect(await deliverMatterClosed(matter)).toBe(200);
    const afterReplay = await waitFor(
      async () => {
        const statuses = await signalledStatuses(matter.id);
        return statuses.length > before ? statuses.slice(before) : null;
      },
      { what: 'the signal from the replayed delivery', timeoutMs: 60_000 },
    );
    // Clio's own deliveries for the new matter may still be arriving: all of them, and the replay, say what Clio says.
    expect(new Set(afterReplay)).toEqual(new Set(['open']));
    const handle = env.client.workflow.getHandle(workflowIds.matterBilling(FIRM, String(matter.id)));
    // Queried once the worker has caught up (a busy shared dev server can make the first query time out).
    const status = await waitFor(() => handle.query(matterStatusQuery).catch(() => null), {
      what: 'the matter status query',
      timeoutMs: 90_000,
    });
    expect(status.closed).toBe(false);

    await h.control('PATCH', `/__sandbox/matters/${matter.id}`, { status: 'closed' });
    await h.clio.webhooksIdle();
    await waitFor(async () => (await signalledStatuses(matter.id)).slice(before).includes('closed'), {
      what: 'the real close to be signalled',
      timeoutMs: 30_000,
    });
  }, 240_000);
});
