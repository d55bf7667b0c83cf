import { startClioSandbox } from '../../sandbox';
import type { ClioSandboxHandle } from '../../sandbox';
import { clioClient, createMatter } from './clioHelpers';
import { postJson, requestJson } from './support';

type ListBody = { data: Array<Record<string, unknown>>; meta: { paging: { next?: string }; records: number } };

describe('Clio sandbox: envelopes, fields, paging, versions, limits', () => {
  let sandbox: ClioSandboxHandle;

  beforeAll(async () => {
    sandbox = await startClioSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    await postJson(`${sandbox.url}/__sandbox/reset`, {});
  });

  it('returns only id and etag when no fields are asked for, with or without .json', async () => {
    const matter = await createMatter(sandbox);
    const clio = clioClient(sandbox);
    for (const path of ['/api/v4/matters.json', '/api/v4/matters']) {
      const list = await clio.get<ListBody>(path);
      expect(list.status).toBe(200);
      expect(list.body.data).toEqual([{ id: matter.id, etag: expect.stringMatching(/^".+"$/) }]);
      expect(list.body.meta.records).toBe(1);
      expect(list.body.meta.paging.next).toBeUndefined();
    }
    const one = await clio.get<{ data: Record<string, unknown> }>(`/api/v4/matters/${matter.id}.json`);
    expect(Object.keys(one.body.data).sort()).toEqual(['etag', 'id']);
  });

  it('selects nested fields, speaks dollars and capitalised statuses', async () => {
    const matter = await createMatter(sandbox, {
      client: { name: 'Grace Hopper', email: 'grace@example.com' },
      billing_method: 'flat',
      flat_fee_cents: 150_000,
      billing_day: 5,
      trust_balance_cents: 25_050,
    });
    const fields =
      'id,display_number,status,billing_method,client{id,name,primary_email_address},' +
      'account_balances{balance,type},custom_field_values{field_name,value}';
    const response = await clioClient(sandbox).get<{ data: Record<string, unknown> }>(
      `/api/v4/matters/${matter.id}.json?fields=${encodeURIComponent(fields)}`,
    );
    expect(response.body.data).toEqual({
      id: matter.id,
      display_number: '00001-Hopper',
      status: 'Open',
      billing_method: 'flat',
      client: { id: matter.client_id, name: 'Grace Hopper', primary_email_address: 'grace@example.com' },
      account_balances: [{ balance: 250.5, type: 'Trust' }],
      custom_field_values: [
        { field_name: 'Flat fee', value: 1500 },
        { field_name: 'Billing day', value: 5 },
      ],
    });
  });

  it('rejects unknown fields and nesting deeper than one level with 400', async () => {
    const clio = clioClient(sandbox);
    const unknown = await clio.get<{ error: { type: string; message: string } }>(
      '/api/v4/matters.json?fields=id,balance_due',
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('balance_due');
    const nestedUnknown = await clio.get<{ error: { message: string } }>(
      '/api/v4/matters.json?fields=client{shoe_size}',
    );
    expect(nestedUnknown.status).toBe(400);
    expect(nestedUnknown.body.error.message).toContain('shoe_size');
    const deep = await clio.get('/api/v4/activities.json?fields=matter{client{name}}');
    expect(deep.status).toBe(400);
  });

  it('pages 450 matters with cursors: 3 pages, every id exactly once, next carries fields and filters', async () => {
    await postJson(`${sandbox.url}/__sandbox/matters/bulk`, { count: 450 });
    const clio = clioClient(sandbox);
    const seen: number[] = [];
    let url: string | undefined =
      `${sandbox.url}/api/v4/matters.json?order=id(asc)&limit=200&fields=id,display_number&status=open`;
    let pages = 0;
    while (url) {
      const page: { status: number; body: ListBody } = await requestJson<ListBody>(url, {
        headers: { authorization: `Bearer ${clio.token}` },
      });
      expect(page.status).toBe(200);
      expect(page.body.meta.records).toBe(450);
      for (const matter of page.body.data) {
        expect(Object.keys(matter).sort()).toEqual(['display_number', 'id']);
        seen.push(matter.id as number);
      }
      url = page.body.meta.paging.next;
      if (url) {
        const next = new URL(url);
        expect(next.searchParams.get('page_token')).toBeTruthy();
        expect(next.searchParams.get('fields')).toBe('id,display_number');
        expect(next.searchParams.get('status')).toBe('open');
        expect(next.searchParams.get('limit')).toBe('200');
      }
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(450);
    expect(new Set(seen).size).toBe(450);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('validates limit and caps offset paging at 10,000 records with 422', async () => {
    const clio = clioClient(sandbox);
    expect((await clio.get('/api/v4/matters.json?limit=0')).status).toBe(400);
    expect((await clio.get('/api/v4/matters.json?limit=201')).status).toBe(400);
    expect((await clio.get('/api/v4/matters.json?offset=9800&limit=200')).status).toBe(200);
    const past = await clio.get<{ error: { type: string } }>('/api/v4/matters.json?offset=9900&limit=200');
    expect(past.status).toBe(422);
    expect(past.body.error.type).toBeDefined();
  });

  it('filters matters by lowercase status and updated_since', async () => {
    const open = await createMatter(sandbox);
    const closed = await createMatter(sandbox, { client: { name: 'Alan Turing', email: 'alan@example.com' } });
    await postJson(`${sandbox.url}/__sandbox/matters/${closed.id}`, { status: 'closed' }, {}, 'PATCH');
    const clio = clioClient(sandbox);
    const onlyOpen = await clio.get<ListBody>('/api/v4/matters.json?status=open,pending&fields=id,status');
    expect(onlyOpen.body.data).toEqual([{ id: open.id, status: 'Open' }]);
    expect((await clio.get('/api/v4/matters.json?status=Closed')).status).toBe(400);
    const future = new Date(Date.now() + 60_000).toISOString();
    const none = await clio.get<ListBody>(`/api/v4/matters.json?updated_since=${encodeURIComponent(future)}`);
    expect(none.body.data).toEqual([]);
  });

  it('echoes a supported X-API-VERSION and answers 410 for unknown or retired ones', async () => {
    const clio = clioClient(sandbox);
    const pinned = await clio.get('/api/v4/matters.json', { 'X-API-VERSION': '4.0.9' });
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get('x-api-version')).toBe('4.0.9');
    expect((await clio.get('/api/v4/matters.json')).headers.get('x-api-version')).toBe('4.0.9');
    for (const version of ['3.0.0', '4.9.9', 'latest']) {
      expect((await clio.get('/api/v4/matters.json', { 'X-API-VERSION': version })).status).toBe(410);
    }
  });

  it('rate-limits per access token: headers on every answer, 429 with Retry-After over the limit', async () => {
    await postJson(`${sandbox.url}/__sandbox/faults`, { rate_limit_per_minute: 3 });
    const first = clioClient(sandbox);
    const statuses: number[] = [];
    for (let call = 0; call < 3; call += 1) {
      const response = await first.get('/api/v4/users/who_am_i.json');
      statuses.push(response.status);
      expect(response.headers.get('x-ratelimit-limit')).toBe('3');
      expect(response.headers.get('x-ratelimit-remaining')).toBe(String(2 - call));
      expect(Number(response.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    }
    const limited = await first.get<{ error: { type: string } }>('/api/v4/users/who_am_i.json');
    expect(statuses).toEqual([200, 200, 200]);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    // Another token has its own window; control routes are never limited.
    expect((await clioClient(sandbox).get('/api/v4/users/who_am_i.json')).status).toBe(200);
    expect((await requestJson(`${sandbox.url}/__sandbox/state`)).status).toBe(200);
  });

  it('injects 5xx errors on API routes only, and counts requests per route', async () => {
    await postJson(`${sandbox.url}/__sandbox/faults`, { error_rate: 1 });
    const failing = await clioClient(sandbox).get<{ error: { type: string } }>('/api/v4/matters.json');
    expect([500, 503]).toContain(failing.status);
    const state = await requestJson<{ request_counts: Record<string, number>; faults: { error_rate: number } }>(
      `${sandbox.url}/__sandbox/state`,
    );
    expect(state.status).toBe(200);
    expect(state.body.faults.error_rate).toBe(1);
    expect(state.body.request_counts['GET /api/v4/matters']).toBe(1);
    const invalid = await postJson<{ error: { message: string } }>(`${sandbox.url}/__sandbox/faults`, {
      error_rate: 2,
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toContain('error_rate');
  });

  it('has no way to create a bill, as in Clio', async () => {
    const clio = clioClient(sandbox);
    expect((await clio.get<ListBody>('/api/v4/bills.json')).body.data).toEqual([]);
    expect([404, 405]).toContain(
      (await clio.send('POST', '/api/v4/bills.json', { data: { matter: { id: 1 } } })).status,
    );
  });
});
