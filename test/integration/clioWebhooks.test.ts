import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { workflowIds } from '../../shared/workflowIds';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';
import { freePort } from '../support/ports';

/**
 * The Clio webhook lifecycle (docs/architecture.md §5): created with the handshake answered by the real ingress, signed
 * deliveries turned into billing signals, renewed before expiry, recreated when gone, re-activated when the
 * handshake was missed.
 */
describe('Clio webhooks: created, delivered, renewed, re-activated', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  let ingressUrl: string;
  useBillingHarness(devServerEnvironment, async (started, harness) => {
    env = started;
    h = harness;
    ingressUrl = (await h.startIngress()).url;
  });

  const http = () => h.clioHttp;
  // The practice port's own upkeep, as the daily schedule runs it.
  const ensure = (url = ingressUrl) => h.firms.get(FIRM).practice.maintainWebhookSubscriptions(url);
  const hooks = async () =>
    (
      await h.control<{
        webhooks: Array<{ id: number; model: string; status: string; expires_at: string; url: string }>;
      }>('GET', '/__sandbox/state')
    ).webhooks;

  it('creates both webhooks, which the ingress handshakes, and turns a signed delivery into a billing signal', async () => {
    expect(await ensure()).toEqual([
      { topic: 'activity', action: 'created' },
      { topic: 'matter', action: 'created' },
    ]);
    await h.clio.webhooksIdle();
    expect((await hooks()).map((w) => [w.model, w.status]).sort()).toEqual([
      ['activity', 'enabled'],
      ['matter', 'enabled'],
    ]);
    expect(await ensure()).toEqual([
      { topic: 'activity', action: 'unchanged' },
      { topic: 'matter', action: 'unchanged' },
    ]);

    const matter = await h.createMatter();
    await h.addEntry(matter.id, 1);
    await h.clio.webhooksIdle();
    const deliveries = (
      await h.control<{ deliveries: Array<{ url: string; last_status: number }> }>('GET', '/__sandbox/state')
    ).deliveries;
    expect(deliveries.filter((d) => d.url.startsWith(ingressUrl)).every((d) => d.last_status === 200)).toBe(true);
    const description = await env.client.workflow
      .getHandle(workflowIds.matterBilling(FIRM, String(matter.id)))
      .describe();
    expect(description.type).toBe('matterBilling');
    const { rows } = await h.database.db.query(
      `SELECT practice_matter_id FROM matter_links WHERE firm_id = $1 AND external_reference = $2`,
      [FIRM, matter.display_number],
    );
    expect(rows).toEqual([{ practice_matter_id: String(matter.id) }]); // new matters are mapped from the matter webhook
  });

  it('renews a webhook within a week of its expiry', async () => {
    const activityHook = (await hooks()).find((w) => w.model === 'activity')!;
    await http().request('PATCH', `/webhooks/${activityHook.id}.json`, {
      body: { data: { expires_at: new Date(Date.now() + 2 * 86_400_000).toISOString() } },
      schema: (await import('zod')).z.unknown(),
    });
    expect(await ensure()).toEqual([
      { topic: 'activity', action: 'renewed' },
      { topic: 'matter', action: 'unchanged' },
    ]);
    const renewed = (await hooks()).find((w) => w.id === activityHook.id)!;
    expect(new Date(renewed.expires_at).getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
  });

  it('recreates a webhook deleted at Clio', async () => {
    const matterHook = (await hooks()).find((w) => w.model === 'matter')!;
    await http().request('DELETE', `/webhooks/${matterHook.id}.json`, { schema: (await import('zod')).z.unknown() });
    expect(await ensure()).toEqual([
      { topic: 'activity', action: 'unchanged' },
      { topic: 'matter', action: 'created' },
    ]);
    await h.clio.webhooksIdle();
    expect((await hooks()).filter((w) => w.model === 'matter').map((w) => w.status)).toEqual(['enabled']);
  });

  it('re-activates a webhook whose handshake was missed (the ingress was down)', async () => {
    const downUrl = `http://127.0.0.1:${await freePort()}`;
    await ensure(downUrl); // URL changed: both recreated, but nothing answers the handshake
    await h.clio.webhooksIdle();
    expect((await hooks()).map((w) => [w.url.startsWith(downUrl), w.status])).toEqual([
      [true, 'pending'],
      [true, 'pending'],
    ]); // old ones retired
    expect(await ensure(downUrl)).toEqual([
      { topic: 'activity', action: 're-activated' },
      { topic: 'matter', action: 're-activated' },
    ]);
    expect((await hooks()).filter((w) => w.url.startsWith(downUrl)).map((w) => w.status)).toEqual([
      'enabled',
      'enabled',
    ]);
  });
});
