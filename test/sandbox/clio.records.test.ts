import { startClioSandbox } from '../../sandbox';
import type { ClioSandboxHandle } from '../../sandbox';
import { clioClient, createMatter } from './clioHelpers';
import { postJson, requestJson } from './support';

type ListBody = { data: Array<Record<string, unknown>>; meta: { records: number } };

describe('Clio sandbox: matters, activities, trust, notes, custom fields', () => {
  let sandbox: ClioSandboxHandle;

  beforeAll(async () => {
    sandbox = await startClioSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    await postJson(`${sandbox.url}/__sandbox/reset`, {});
  });

  it('keeps a draft time entry out of status=unbilled until it is submitted', async () => {
    const matter = await createMatter(sandbox);
    const draft = await postJson<{ id: number }>(`${sandbox.url}/__sandbox/activities`, {
      matter_id: matter.id,
      hours: 1.5,
      rate_cents: 30_000,
      note: 'Draft will',
      draft: true,
    });
    const ready = await postJson<{ id: number }>(`${sandbox.url}/__sandbox/activities`, {
      matter_id: matter.id,
      hours: 2,
      rate_cents: 25_000,
    });
    const free = await postJson<{ id: number }>(`${sandbox.url}/__sandbox/activities`, {
      matter_id: matter.id,
      hours: 1,
      rate_cents: 25_000,
      non_billable: true,
    });
    const clio = clioClient(sandbox);
    const ids = async (status: string) =>
      (await clio.get<ListBody>(`/api/v4/activities.json?matter_id=${matter.id}&status=${status}`)).body.data.map(
        (a) => a.id,
      );

    expect(await ids('unbilled')).toEqual([ready.body.id]);
    expect(await ids('draft')).toEqual([draft.body.id]);
    expect(await ids('non_billable')).toEqual([free.body.id]);
    expect(await ids('billable')).toEqual([ready.body.id]);

    const submitted = await postJson(`${sandbox.url}/__sandbox/activities/${draft.body.id}/submit`, {});
    expect(submitted.status).toBe(200);
    expect(await ids('unbilled')).toEqual([draft.body.id, ready.body.id].sort((a, b) => a - b));
    expect(await ids('draft')).toEqual([]);
    expect((await postJson(`${sandbox.url}/__sandbox/activities/${draft.body.id}/submit`, {})).status).toBe(409);

    const entry = await clio.get<{ data: Record<string, unknown> }>(
      `/api/v4/activities/${draft.body.id}.json?fields=type,quantity,quantity_in_hours,price,total,note,non_billable,billed,on_bill,matter{id,display_number}`,
    );
    expect(entry.body.data).toEqual({
      type: 'TimeEntry',
      quantity: 5400,
      quantity_in_hours: 1.5,
      price: 300,
      total: 450,
      note: 'Draft will',
      non_billable: false,
      billed: false,
      on_bill: false,
      matter: { id: matter.id, display_number: matter.display_number },
    });
    expect(entry.body.data).not.toHaveProperty('approved');
    const legacy = await clio.get<{ data: { quantity: number } }>(
      `/api/v4/activities/${draft.body.id}.json?fields=quantity`,
      { 'X-API-VERSION': '4.0.3' },
    );
    expect(legacy.body.data.quantity).toBe(1.5);
  });

  it('lowers the trust balance seen in account_balances when a bookkeeper posts a draw', async () => {
    const matter = await createMatter(sandbox, { trust_balance_cents: 100_000 });
    const applied = await postJson<{ trust_balance_cents: number }>(
      `${sandbox.url}/__sandbox/trust/${matter.id}/apply`,
      { amount_cents: 40_000 },
    );
    expect(applied.body.trust_balance_cents).toBe(60_000);
    const seen = await clioClient(sandbox).get<{
      data: { account_balances: Array<{ balance: number; type: string }> };
    }>(`/api/v4/matters/${matter.id}.json?fields=account_balances{balance,type,name}`);
    expect(seen.body.data.account_balances).toEqual([{ balance: 600, type: 'Trust', name: 'Trust Account' }]);
    const overdraw = await postJson<{ error: { message: string } }>(
      `${sandbox.url}/__sandbox/trust/${matter.id}/apply`,
      { amount_cents: 60_001 },
    );
    expect(overdraw.status).toBe(422);
  });

  it('validates control input with a message naming the bad field', async () => {
    const missing = await postJson<{ error: { message: string } }>(`${sandbox.url}/__sandbox/matters`, {
      client: { name: 'X' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('description');
    const badDay = await postJson<{ error: { message: string } }>(`${sandbox.url}/__sandbox/matters`, {
      description: 'x',
      client: { name: 'X' },
      billing_method: 'hourly',
      billing_day: 31,
    });
    expect(badDay.status).toBe(400);
    expect(badDay.body.error.message).toContain('billing_day');
    const badHours = await postJson<{ error: { message: string } }>(`${sandbox.url}/__sandbox/activities`, {
      matter_id: 1,
      hours: -1,
      rate_cents: 100,
    });
    expect(badHours.body.error.message).toContain('hours');
    expect(
      (await postJson(`${sandbox.url}/__sandbox/activities`, { matter_id: 999_999, hours: 1, rate_cents: 100 })).status,
    ).toBe(404);
  });

  it('PATCHes a matter: lowercase status in, capitalised out, reference and custom field values', async () => {
    const matter = await createMatter(sandbox, { billing_method: 'flat', flat_fee_cents: 50_000 });
    const clio = clioClient(sandbox);
    const before = await clio.get<{
      data: { etag: string; custom_field_values: Array<{ id: string; field_name: string; value: unknown }> };
    }>(`/api/v4/matters/${matter.id}.json?fields=etag,custom_field_values{id,field_name,value}`);
    const flatFee = before.body.data.custom_field_values.find((value) => value.field_name === 'Flat fee')!;

    const field = await clio.send<{ data: { id: number } }>('POST', '/api/v4/custom_fields.json?fields=id', {
      data: { name: 'Needs review', parent_type: 'Matter', field_type: 'checkbox' },
    });
    expect(field.status).toBe(201);

    const patched = await clio.send<{ data: Record<string, unknown> }>(
      'PATCH',
      `/api/v4/matters/${matter.id}.json?fields=status,close_date,client_reference,custom_field_values{field_name,value}`,
      {
        data: {
          status: 'closed',
          client_reference: 'INV-00001-Lovelace-1',
          custom_field_values: [
            { id: flatFee.id, value: 600 },
            { custom_field: { id: field.body.data.id }, value: true },
          ],
        },
      },
      { 'IF-MATCH': before.body.data.etag },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.data).toEqual({
      status: 'Closed',
      close_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      client_reference: 'INV-00001-Lovelace-1',
      custom_field_values: [
        { field_name: 'Flat fee', value: 600 },
        { field_name: 'Needs review', value: true },
      ],
    });
    const stale = await clio.send(
      'PATCH',
      `/api/v4/matters/${matter.id}.json`,
      { data: { description: 'y' } },
      { 'IF-MATCH': before.body.data.etag },
    );
    expect(stale.status).toBe(412);
    expect((await clio.send('PATCH', `/api/v4/matters/${matter.id}.json`, { data: { status: 'Closed' } })).status).toBe(
      422,
    );
    const destroyed = await clio.send<{ data: { custom_field_values: unknown[] } }>(
      'PATCH',
      `/api/v4/matters/${matter.id}.json?fields=custom_field_values`,
      { data: { custom_field_values: [{ id: flatFee.id, _destroy: true }] } },
    );
    expect(destroyed.body.data.custom_field_values).toHaveLength(1);
  });

  it('creates matters through the API and writes notes on them', async () => {
    const existing = await createMatter(sandbox);
    const clio = clioClient(sandbox);
    const created = await clio.send<{ data: { id: number; display_number: string; status: string } }>(
      'POST',
      '/api/v4/matters.json?fields=id,display_number,status',
      { data: { client: { id: existing.client_id }, description: 'Second matter' } },
    );
    expect(created.status).toBe(201);
    expect(created.body.data.display_number).toBe('00002-Lovelace');
    expect(created.body.data.status).toBe('Open');

    const note = await clio.send<{ data: { id: number } }>('POST', '/api/v4/notes.json', {
      data: {
        type: 'Matter',
        matter: { id: existing.id },
        subject: 'Invoice drafted',
        detail: 'INV-00001-Lovelace-1 for $500.00',
        date: '2025-01-02',
      },
    });
    expect(note.status).toBe(201);
    const notes = await clio.get<ListBody>(
      `/api/v4/notes.json?matter_id=${existing.id}&fields=subject,detail,date,matter{id}`,
    );
    expect(notes.body.data).toEqual([
      {
        subject: 'Invoice drafted',
        detail: 'INV-00001-Lovelace-1 for $500.00',
        date: '2025-01-02',
        matter: { id: existing.id },
      },
    ]);
    const orphan = await clio.send('POST', '/api/v4/notes.json', {
      data: { type: 'Matter', matter: { id: 1 }, subject: 'x' },
    });
    expect(orphan.status).toBe(422);

    const state = await requestJson<{ notes: Array<{ matter_id: number; subject: string }> }>(
      `${sandbox.url}/__sandbox/state`,
    );
    expect(state.body.notes).toEqual([expect.objectContaining({ matter_id: existing.id, subject: 'Invoice drafted' })]);
  });

  it('serves contacts with their email addresses', async () => {
    const matter = await createMatter(sandbox, { client: { name: 'Katherine Johnson', email: 'kj@example.com' } });
    const contact = await clioClient(sandbox).get<{ data: Record<string, unknown> }>(
      `/api/v4/contacts/${matter.client_id}.json?fields=name,first_name,last_name,primary_email_address,email_addresses{address,primary},is_client,type`,
    );
    expect(contact.body.data).toEqual({
      name: 'Katherine Johnson',
      first_name: 'Katherine',
      last_name: 'Johnson',
      primary_email_address: 'kj@example.com',
      email_addresses: [{ address: 'kj@example.com', primary: true }],
      is_client: true,
      type: 'Person',
    });
  });
});
