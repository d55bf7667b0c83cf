/**
 * ClioPracticeManagement over real HTTP against the Clio sandbox: cursor paging through 1,000 matters with the
 * parameters Clio requires, and the domain mapping (cents, client email, billing terms, approved time, idempotent
 * notes, the review flag, the matter reference), checked against the sandbox's own state.
 */
import { CLIO_API_VERSION, ClioPracticeManagement, noteMarker } from '../../connectors/clio';
import { activityFields, matterSummaryFields } from '../../connectors/clio/schemas';
import { REVIEW_FLAG_FIELD_NAME } from '../../connectors/clio/constants';
import type { ApprovedEntry, MatterSummary } from '../../connectors/ports';
import { createClioActivity, createClioMatter, startSandboxedClio, type SandboxedClio } from '../support/sandboxes';

let clio: SandboxedClio;
let practice: ClioPracticeManagement;

beforeAll(async () => {
  clio = await startSandboxedClio();
  practice = clio.connector.practice;
});

afterAll(async () => {
  await clio?.close();
});

beforeEach(async () => {
  await clio.post('/__sandbox/reset');
  clio.serverLog.length = 0;
});

describe('listMatters', () => {
  it('pages through 1,000 matters: 5 pages of 200, every id exactly once, order=id(asc), explicit fields, pinned version', async () => {
    const bulk = await clio.post<{ count: number; ids: number[] }>('/__sandbox/matters/bulk', { count: 1000 });
    expect(bulk.count).toBe(1000);

    const pages: MatterSummary[][] = [];
    let cursor: string | null = null;
    do {
      const page = await practice.listMatters(cursor);
      pages.push(page.items);
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 20);

    expect(pages.map((items) => items.length)).toEqual([200, 200, 200, 200, 200]);
    const ids = pages.flat().map((matter) => matter.id);
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(bulk.ids.map(String).sort());
    // Ascending ids across pages, as cursor paging promises.
    expect(ids.map(Number)).toEqual([...bulk.ids].sort((a, b) => a - b));
    const first = pages[0]![0]!;
    expect(first).toEqual({
      id: String(bulk.ids[0]),
      displayNumber: expect.stringMatching(/^\d{5}-/),
      status: 'open',
      clientReference: null,
      billingMethod: 'hourly',
      billingDay: null,
    });

    // What the sandbox received, request by request: 5 GETs of /matters, each with the required parameters.
    const requests = clio.apiRequests();
    expect(requests).toHaveLength(5);
    for (const request of requests) {
      expect(request.method).toBe('GET');
      expect(request.path).toMatch(/^\/api\/v4\/matters(\.json)?$/);
      expect(request.query.get('order')).toBe('id(asc)');
      expect(request.query.get('fields')).toBe(matterSummaryFields);
      expect(request.query.get('limit')).toBe('200');
      expect(request.query.has('offset')).toBe(false);
      expect(request.headers['x-api-version']).toBe(CLIO_API_VERSION);
      expect(request.headers.authorization).toBe(`Bearer ${clio.store.saves.at(-1)!.accessToken}`);
      expect(request.status).toBe(200);
    }
    // Pages 2-5 follow the cursor the previous page handed out.
    expect(requests.slice(1).every((request) => request.query.has('page_token'))).toBe(true);
    expect((await clio.state()).request_counts['GET /api/v4/matters']).toBe(5);
  });

  it('passes updated_since and a smaller page size through', async () => {
    await clio.post('/__sandbox/matters/bulk', { count: 3 });
    const page = await practice.listMatters(null, {
      updatedSince: new Date(Date.now() + 60_000).toISOString(),
      pageSize: 2,
    });
    expect(page).toEqual({ items: [], nextCursor: null });
    const request = clio.apiRequests().at(-1)!;
    expect(request.query.get('limit')).toBe('2');
    expect(request.query.get('updated_since')).not.toBeNull();
  });
});

describe('getMatter and getTrustBalance', () => {
  it('maps trust to integer cents, the client email, and flat fee / billing day from the custom fields', async () => {
    const created = await createClioMatter(clio, {
      description: 'Smith estate',
      client: { name: 'Grace Hopper', email: 'grace@example.com' },
      billing_method: 'flat',
      flat_fee_cents: 250_050,
      billing_day: 15,
      // $1,024.09: 1024.09 * 100 is 102408.99999999999 in floating point, so cents must be rounded, not truncated.
      trust_balance_cents: 102_409,
    });

    const matter = await practice.getMatter(String(created.id));

    expect(matter).toEqual({
      id: String(created.id),
      displayNumber: created.display_number,
      description: 'Smith estate',
      status: 'open',
      billingMethod: 'flat',
      client: { id: String(created.client_id), name: 'Grace Hopper', email: 'grace@example.com' },
      trustBalanceCents: 102_409,
      flatFeeCents: 250_050,
      billingDay: 15,
      clientReference: null,
      updatedAt: expect.any(String),
    });
    expect(Number.isInteger(matter.trustBalanceCents)).toBe(true);
    // One call, and it asked for exactly the fields it maps.
    const [request] = clio.apiRequests();
    expect(clio.apiRequests()).toHaveLength(1);
    expect(request!.query.get('fields')).toContain('account_balances{id,balance,type}');
    expect(request!.query.get('fields')).toContain('custom_field_values{id,field_name,value}');
    expect(request!.query.get('fields')).toContain('client{id,name,primary_email_address}');
  });

  it('reports a client without email as null, an hourly matter without billing terms as nulls, and trust after a draw', async () => {
    const created = await createClioMatter(clio, {
      client: { name: 'No Mail', email: null },
      trust_balance_cents: 50_000,
    });
    await clio.post(`/__sandbox/trust/${created.id}/apply`, { amount_cents: 12_345 });

    const matter = await practice.getMatter(String(created.id));
    expect(matter.client.email).toBeNull();
    expect(matter.flatFeeCents).toBeNull();
    expect(matter.billingDay).toBeNull();
    expect(matter.billingMethod).toBe('hourly');
    expect(await practice.getTrustBalance(String(created.id))).toBe(37_655);
  });

  it('reports the status Clio reads back in capitals as a lowercase domain status', async () => {
    const created = await createClioMatter(clio);
    await clio.post(`/__sandbox/matters/${created.id}`, { status: 'pending' }, 'PATCH');
    expect((await practice.getMatter(String(created.id))).status).toBe('pending');
  });
});

describe('listApprovedEntries', () => {
  it('returns submitted billable time of this matter only: no drafts (until submitted), no non-billable, no other matter', async () => {
    const matter = await createClioMatter(clio);
    const other = await createClioMatter(clio, { client: { name: 'Alan Turing', email: 'alan@example.com' } });
    const approved = await createClioActivity(clio, {
      matter_id: matter.id,
      hours: 1.5,
      rate_cents: 30_000,
      note: 'Drafted the will',
      date: '2026-03-02',
    });
    const draft = await createClioActivity(clio, {
      matter_id: matter.id,
      hours: 2,
      rate_cents: 30_000,
      note: 'Half-written',
      draft: true,
    });
    await createClioActivity(clio, {
      matter_id: matter.id,
      hours: 1,
      rate_cents: 30_000,
      note: 'Courtesy call',
      non_billable: true,
    });
    await createClioActivity(clio, { matter_id: other.id, hours: 3, rate_cents: 30_000, note: 'Other client' });

    const before = await practice.listApprovedEntries(String(matter.id));
    expect(before).toEqual<ApprovedEntry[]>([
      {
        id: String(approved.id),
        matterId: String(matter.id),
        date: '2026-03-02',
        seconds: 5_400,
        rateCents: 30_000,
        totalCents: 45_000,
        note: 'Drafted the will',
        updatedAt: expect.any(String),
      },
    ]);

    await clio.post(`/__sandbox/activities/${draft.id}/submit`);
    const after = await practice.listApprovedEntries(String(matter.id));
    expect(after.map((entry) => entry.id)).toEqual([String(approved.id), String(draft.id)]);
    expect(after[1]).toMatchObject({ seconds: 7_200, totalCents: 60_000 });

    for (const request of clio.apiRequests()) {
      expect(request.query.get('matter_id')).toBe(String(matter.id));
      expect(request.query.get('status')).toBe('unbilled');
      expect(request.query.get('fields')).toBe(activityFields);
      expect(request.headers['x-api-version']).toBe(CLIO_API_VERSION);
    }
  });

  it('follows the cursor past 200 entries', async () => {
    const matter = await createClioMatter(clio);
    for (let index = 0; index < 230; index += 1)
      await createClioActivity(clio, { matter_id: matter.id, hours: 0.1, rate_cents: 20_000 });

    const entries = await practice.listApprovedEntries(String(matter.id));
    expect(entries).toHaveLength(230);
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(230);
    expect(entries.every((entry) => entry.seconds === 360 && entry.totalCents === 2_000)).toBe(true);
    expect(clio.apiRequests()).toHaveLength(2);
  });
});

describe('writes', () => {
  const note = { subject: 'Payment received', detail: 'Invoice SL-1 paid in full.', date: '2026-03-02' };

  it('addMatterNote with checkFirst writes one note for one idempotency key, however often it is called', async () => {
    const matter = await createClioMatter(clio);
    const first = await practice.addMatterNote(String(matter.id), note, 'payment:lawpay:tx1', { checkFirst: true });
    const second = await practice.addMatterNote(String(matter.id), note, 'payment:lawpay:tx1', { checkFirst: true });
    const otherKey = await practice.addMatterNote(String(matter.id), note, 'payment:lawpay:tx2', { checkFirst: true });

    expect(first.created).toBe(true);
    expect(second).toEqual({ noteId: first.noteId, created: false });
    expect(otherKey.created).toBe(true);
    const { notes } = await clio.state();
    expect(notes.filter((n) => n.detail?.includes(noteMarker('payment:lawpay:tx1')))).toHaveLength(1);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatchObject({
      id: Number(first.noteId),
      matter_id: matter.id,
      subject: 'Payment received',
      date: '2026-03-02',
    });
    expect(notes[0]!.detail).toContain('Invoice SL-1 paid in full.');
  });

  it('flagForReview sets a checkbox custom field, created once for the firm, and clears it again', async () => {
    const one = await createClioMatter(clio);
    const two = await createClioMatter(clio, { client: { name: 'Alan Turing', email: 'alan@example.com' } });
    await practice.flagForReview(String(one.id), true);
    // A second connector (another worker process) finds the field instead of creating it again.
    const otherWorker = new ClioPracticeManagement(clio.newConnector().http);
    await otherWorker.flagForReview(String(two.id), true);
    await otherWorker.flagForReview(String(one.id), false);
    await practice.flagForReview(String(two.id), true);

    const state = await clio.state();
    const fields = state.custom_fields.filter((field) => field.name === REVIEW_FLAG_FIELD_NAME);
    expect(fields).toEqual([expect.objectContaining({ parent_type: 'Matter', field_type: 'checkbox' })]);
    const values = state.custom_field_values.filter((value) => value.custom_field_id === fields[0]!.id);
    expect(values.map((value) => [value.matter_id, value.value])).toEqual([
      [one.id, false],
      [two.id, true],
    ]);
  });

  it('flagForReview uses the review field another worker made between its look and its write (Clio refuses a second)', async () => {
    const matter = await createClioMatter(clio);
    const otherWorker = new ClioPracticeManagement(clio.newConnector().http);
    const http = clio.newConnector().http;
    const request = http.request.bind(http);
    // Right after this worker finds no review field, the other worker makes it.
    let raced = false;
    http.request = (async (...args: Parameters<typeof request>) => {
      const answer = await request(...args);
      if (!raced && args[0] === 'GET' && args[1] === '/custom_fields.json') {
        raced = true;
        await otherWorker.flagForReview(String(matter.id), false);
      }
      return answer;
    }) as typeof http.request;

    await new ClioPracticeManagement(http).flagForReview(String(matter.id), true);

    const state = await clio.state();
    const fields = state.custom_fields.filter((field) => field.name === REVIEW_FLAG_FIELD_NAME);
    expect(fields).toHaveLength(1);
    expect(
      state.custom_field_values.filter((v) => v.custom_field_id === fields[0]!.id).map((v) => [v.matter_id, v.value]),
    ).toEqual([[matter.id, true]]);
  });

  it('setMatterReference sets client_reference, and getMatter reads it back', async () => {
    const matter = await createClioMatter(clio);
    await practice.setMatterReference(String(matter.id), 'MP-demo-firm-0042');

    const state = await clio.state();
    expect(state.matters.find((m) => m.id === matter.id)!.client_reference).toBe('MP-demo-firm-0042');
    expect((await practice.getMatter(String(matter.id))).clientReference).toBe('MP-demo-firm-0042');
  });
});
