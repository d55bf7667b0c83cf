import crypto from 'node:crypto';
import { startClioSandbox } from '../../sandbox';
import type { ClioSandboxHandle, DeliveryLogEntry } from '../../sandbox';
import { clioClient, createMatter } from './clioHelpers';
import type { Receiver } from './support';
import { clioHandshakeEcho, postJson, requestJson, startReceiver, waitFor } from './support';

type Hook = { id: number; status: string; shared_secret: string };
type Delivery = { data: Record<string, unknown>; meta: { event: string; webhook_id: number } };

describe('Clio sandbox: webhooks', () => {
  let sandbox: ClioSandboxHandle;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    sandbox = await startClioSandbox({ port: 0, webhookRetryBaseMs: 20 });
  });
  afterAll(async () => {
    await sandbox.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });
  beforeEach(async () => {
    await postJson(`${sandbox.url}/__sandbox/reset`, {});
  });

  async function receiver(reply?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
    const started = await startReceiver(reply);
    receivers.push(started);
    return started;
  }

  async function createHook(
    url: string,
    data: Record<string, unknown> = {},
  ): Promise<{ status: number; body: { data: Hook } }> {
    return clioClient(sandbox).send<{ data: Hook }>('POST', '/api/v4/webhooks.json?fields=id,status,shared_secret', {
      data: {
        url,
        model: 'matter',
        events: ['created', 'updated', 'matter_closed'],
        fields: 'id,etag,status,display_number',
        ...data,
      },
    });
  }

  async function hookStatus(id: number): Promise<string> {
    const hook = await clioClient(sandbox).get<{ data: { status: string } }>(
      `/api/v4/webhooks/${id}.json?fields=status`,
    );
    return hook.body.data.status;
  }

  function deliveries(target: Receiver): Delivery[] {
    return target.requests
      .filter((request) => request.headers['x-hook-signature'])
      .map((request) => request.json as Delivery);
  }

  it('handshakes, then delivers signed payloads with the hook fields (HMAC over the raw body)', async () => {
    const target = await receiver(clioHandshakeEcho);
    const created = await createHook(target.url);
    expect(created.status).toBe(201);
    expect(created.body.data.status).toBe('pending');
    const { id, shared_secret: secret } = created.body.data;

    await waitFor(async () => (await hookStatus(id)) === 'enabled');
    const handshake = target.requests[0]!;
    expect(handshake.headers['x-hook-secret']).toBe(secret);

    const matter = await createMatter(sandbox);
    await postJson(`${sandbox.url}/__sandbox/matters/${matter.id}`, { status: 'closed' }, {}, 'PATCH');
    await waitFor(() => deliveries(target).length >= 3);
    await sandbox.webhooksIdle();

    const signed = target.requests.filter((request) => request.headers['x-hook-signature']);
    for (const request of signed) {
      const expected = crypto.createHmac('sha256', secret).update(request.rawBody).digest('hex');
      const given = String(request.headers['x-hook-signature']);
      expect(given).toMatch(/^[0-9a-f]{64}$/);
      expect(crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected))).toBe(true);
    }
    const events = deliveries(target)
      .map((delivery) => delivery.meta.event)
      .sort();
    expect(events).toEqual(['created', 'matter_closed', 'updated']);
    const closed = deliveries(target).find((delivery) => delivery.meta.event === 'matter_closed')!;
    expect(closed.meta.webhook_id).toBe(id);
    expect(closed.data).toEqual({
      id: matter.id,
      etag: expect.any(String),
      status: 'Closed',
      display_number: matter.display_number,
    });
  });

  it('stays pending without the echo until PUT /activate with X-Hook-Secret', async () => {
    const target = await receiver(() => ({ status: 200 }));
    const created = await createHook(target.url);
    const { id, shared_secret: secret } = created.body.data;
    await waitFor(() => target.requests.length === 1);
    await sandbox.webhooksIdle();
    expect(await hookStatus(id)).toBe('pending');

    await createMatter(sandbox);
    await sandbox.webhooksIdle();
    expect(deliveries(target)).toHaveLength(0);

    const clio = clioClient(sandbox);
    expect(
      (await clio.send('PUT', `/api/v4/webhooks/${id}/activate.json`, {}, { 'X-Hook-Secret': 'wrong' })).status,
    ).toBe(422);
    expect(
      (await clio.send('PUT', `/api/v4/webhooks/${id}/activate.json`, {}, { 'X-Hook-Secret': secret })).status,
    ).toBe(200);
    expect(await hookStatus(id)).toBe('enabled');
  });

  it('retries failed deliveries with exponential backoff, 5 attempts in all', async () => {
    let failing = true;
    const target = await receiver((request) => {
      if (request.headers['x-hook-secret']) return clioHandshakeEcho(request);
      return { status: failing ? 500 : 200 };
    });
    const { id } = (await createHook(target.url)).body.data;
    await waitFor(async () => (await hookStatus(id)) === 'enabled');

    const started = Date.now();
    await createMatter(sandbox);
    await sandbox.webhooksIdle();
    const elapsed = Date.now() - started;
    expect(deliveries(target)).toHaveLength(5);
    // 20 + 40 + 80 + 160 ms of backoff between the five attempts.
    expect(elapsed).toBeGreaterThanOrEqual(300);
    const state = await requestJson<{ deliveries: DeliveryLogEntry[] }>(`${sandbox.url}/__sandbox/state`);
    expect(state.body.deliveries).toEqual([
      expect.objectContaining({ attempts: 5, last_status: 500, state: 'failed' }),
    ]);

    failing = false;
    await createMatter(sandbox, { client: { name: 'Second Client', email: 'second@example.com' } });
    await sandbox.webhooksIdle();
    const after = await requestJson<{ deliveries: DeliveryLogEntry[] }>(`${sandbox.url}/__sandbox/state`);
    expect(after.body.deliveries[1]).toEqual(
      expect.objectContaining({ attempts: 1, last_status: 200, state: 'delivered' }),
    );
  });

  it('treats 410 Gone as delivered and suspends the hook', async () => {
    const target = await receiver((request) =>
      request.headers['x-hook-secret'] ? clioHandshakeEcho(request) : { status: 410 },
    );
    const { id } = (await createHook(target.url)).body.data;
    await waitFor(async () => (await hookStatus(id)) === 'enabled');
    await createMatter(sandbox);
    await sandbox.webhooksIdle();
    expect(deliveries(target)).toHaveLength(1);
    expect(await hookStatus(id)).toBe('suspended');
  });

  it('only fires updated when a watched field changed', async () => {
    const target = await receiver(clioHandshakeEcho);
    const { id } = (await createHook(target.url, { events: ['updated'], fields: 'id,status' })).body.data;
    await waitFor(async () => (await hookStatus(id)) === 'enabled');
    const matter = await createMatter(sandbox, { trust_balance_cents: 10_000 });
    await postJson(`${sandbox.url}/__sandbox/matters/${matter.id}`, { status: 'pending' }, {}, 'PATCH');
    await sandbox.webhooksIdle();
    await postJson(`${sandbox.url}/__sandbox/trust/${matter.id}/apply`, { amount_cents: 100 });
    await sandbox.webhooksIdle();
    expect(deliveries(target).map((delivery) => delivery.data)).toEqual([{ id: matter.id, status: 'Pending' }]);
  });

  it('honours the duplicate and drop faults', async () => {
    const target = await receiver(clioHandshakeEcho);
    const { id } = (await createHook(target.url, { events: ['created'] })).body.data;
    await waitFor(async () => (await hookStatus(id)) === 'enabled');

    await postJson(`${sandbox.url}/__sandbox/faults`, { webhook_duplicate_rate: 1 });
    await createMatter(sandbox);
    await sandbox.webhooksIdle();
    expect(deliveries(target)).toHaveLength(2);
    expect(deliveries(target)[0]).toEqual(deliveries(target)[1]);

    await postJson(`${sandbox.url}/__sandbox/faults`, { webhook_duplicate_rate: 0, webhook_drop_rate: 1 });
    await createMatter(sandbox, { client: { name: 'Dropped Client', email: null } });
    await sandbox.webhooksIdle();
    expect(deliveries(target)).toHaveLength(2);
    const state = await requestJson<{ deliveries: DeliveryLogEntry[] }>(`${sandbox.url}/__sandbox/state`);
    expect(state.body.deliveries.map((delivery) => delivery.state)).toEqual(['delivered', 'delivered', 'dropped']);
  });

  it('validates webhook creation like Clio: expiry window, events per model, fields', async () => {
    const target = await receiver(clioHandshakeEcho);
    const clio = clioClient(sandbox);
    const inDays = (days: number) => new Date(Date.now() + days * 24 * 3600 * 1000).toISOString();
    expect((await createHook(target.url, { expires_at: inDays(32) })).status).toBe(422);
    expect((await createHook(target.url, { expires_at: inDays(30) })).status).toBe(201);
    expect((await createHook(target.url, { model: 'activity', events: ['matter_closed'] })).status).toBe(422);
    expect((await createHook(target.url, { fields: 'id,nonsense' })).status).toBe(400);
    expect((await createHook(target.url, { model: 2, events: ['created'], fields: 'id,total' })).status).toBe(201);

    const defaults = await clio.send<{ data: { expires_at: string; model: string } }>(
      'POST',
      '/api/v4/webhooks.json?fields=expires_at,model',
      {
        data: { url: target.url, model: 'activity', events: ['created'] },
      },
    );
    const lifetime = Date.parse(defaults.body.data.expires_at) - Date.now();
    expect(lifetime).toBeGreaterThan(2.9 * 24 * 3600 * 1000);
    expect(lifetime).toBeLessThanOrEqual(3 * 24 * 3600 * 1000);
    expect(defaults.body.data.model).toBe('activity');

    const list = await clio.get<{ data: unknown[] }>('/api/v4/webhooks.json');
    expect(list.body.data).toHaveLength(3);
    const first = (list.body.data[0] as { id: number }).id;
    expect((await clio.send('DELETE', `/api/v4/webhooks/${first}.json`, {})).status).toBe(204);
    expect((await clio.get(`/api/v4/webhooks/${first}.json`)).status).toBe(404);
    await sandbox.webhooksIdle();
  });

  // `updated` watches the hook's fields; only etag/updated_at reveal a change no other field shows (a submission).
  it('announces a submitted draft time entry to activity hooks that watch the etag', async () => {
    const target = await receiver(clioHandshakeEcho);
    const created = await clioClient(sandbox).send<{ data: Hook }>('POST', '/api/v4/webhooks.json?fields=id', {
      data: { url: target.url, model: 'activity', events: ['created', 'updated'], fields: 'id,etag,total,matter{id}' },
    });
    await waitFor(async () => (await hookStatus(created.body.data.id)) === 'enabled');
    const matter = await createMatter(sandbox);
    const draft = await postJson<{ id: number }>(`${sandbox.url}/__sandbox/activities`, {
      matter_id: matter.id,
      hours: 2,
      rate_cents: 20_000,
      draft: true,
    });
    await postJson(`${sandbox.url}/__sandbox/activities/${draft.body.id}/submit`, {});
    await sandbox.webhooksIdle();
    expect(deliveries(target).map((delivery) => delivery.meta.event)).toEqual(['created', 'updated']);
    expect(deliveries(target)[1]!.data).toEqual({
      id: draft.body.id,
      etag: expect.any(String),
      total: 400,
      matter: { id: matter.id },
    });
  });
});
