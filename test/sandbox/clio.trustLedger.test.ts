import { startClioSandbox } from '../../sandbox';
import type { ClioSandboxHandle } from '../../sandbox';
import { clioClient, createMatter } from './clioHelpers';
import { postJson } from './support';

type ListBody = { data: Array<Record<string, unknown>>; meta: { paging: { next?: string }; records: number } };

/** The trust ledger as Clio serves it (`/bank_transactions`, `/bank_accounts`), fed by the three trust contracts. */
describe('Clio sandbox: the trust ledger', () => {
  let sandbox: ClioSandboxHandle;
  beforeAll(async () => {
    sandbox = await startClioSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    await postJson(`${sandbox.url}/__sandbox/reset`, {});
  });

  it('posts apply, withdraw and deposit as ledger lines with funds_in/funds_out, matter{} and description', async () => {
    const matter = await createMatter(sandbox, { trust_balance_cents: 100_000 });
    const applied = await postJson<{ trust_balance_cents: number; bank_transaction_id: number }>(
      `${sandbox.url}/__sandbox/trust/${matter.id}/apply`,
      { amount_cents: 40_000, description: 'Invoice 00001-Smith-1' },
    );
    expect(applied.status).toBe(201);
    expect(applied.body.trust_balance_cents).toBe(60_000);
    await postJson(`${sandbox.url}/__sandbox/trust/${matter.id}/withdraw`, {
      amount_cents: 50_000,
      description: 'Court filing fee',
    });
    await postJson(`${sandbox.url}/__sandbox/trust/${matter.id}/deposit`, {
      amount_cents: 2_500,
      description: 'Top-up',
      date: '2026-11-30',
    });

    const clio = clioClient(sandbox);
    const list = await clio.get<ListBody>(
      `/api/v4/bank_transactions.json?matter_id=${matter.id}&fields=id,funds_in,funds_out,amount,date,description,transaction_type,bank_account_id,matter{id,display_number}`,
    );
    expect(list.status).toBe(200);
    expect(list.body.data.map(({ id: _id, date: _date, ...rest }) => rest)).toEqual([
      {
        funds_in: 1000,
        funds_out: 0,
        amount: 1000,
        description: 'Opening trust balance',
        transaction_type: 'Deposit',
        bank_account_id: 12,
        matter: { id: matter.id, display_number: matter.display_number },
      },
      {
        funds_in: 0,
        funds_out: 400,
        amount: 400,
        description: 'Invoice 00001-Smith-1',
        transaction_type: 'Withdrawal',
        bank_account_id: 12,
        matter: { id: matter.id, display_number: matter.display_number },
      },
      {
        funds_in: 0,
        funds_out: 500,
        amount: 500,
        description: 'Court filing fee',
        transaction_type: 'Withdrawal',
        bank_account_id: 12,
        matter: { id: matter.id, display_number: matter.display_number },
      },
      {
        funds_in: 25,
        funds_out: 0,
        amount: 25,
        description: 'Top-up',
        transaction_type: 'Deposit',
        bank_account_id: 12,
        matter: { id: matter.id, display_number: matter.display_number },
      },
    ]);
    expect(list.body.data[3]!.date).toBe('2026-11-30');
    const balances = await clio.get<{ data: { account_balances: Array<{ balance: number }> } }>(
      `/api/v4/matters/${matter.id}.json?fields=account_balances{balance}`,
    );
    expect(balances.body.data.account_balances).toEqual([{ balance: 125 }]);
  });

  it('answers with id and etag only by default, pages by cursor, and refuses unknown fields as Clio does', async () => {
    const matter = await createMatter(sandbox, { trust_balance_cents: 1_000 });
    for (let i = 0; i < 4; i++)
      await postJson(`${sandbox.url}/__sandbox/trust/${matter.id}/deposit`, {
        amount_cents: 100,
        description: `d${i}`,
      });
    const clio = clioClient(sandbox);
    const first = await clio.get<ListBody>('/api/v4/bank_transactions.json?limit=2');
    expect(Object.keys(first.body.data[0]!).sort()).toEqual(['etag', 'id']);
    expect(first.body.meta.records).toBe(5);
    expect(first.body.meta.paging.next).toContain('page_token=');
    const bad = await clio.get<{ error: { message: string } }>('/api/v4/bank_transactions.json?fields=balance');
    expect(bad.status).toBe(400);
    const accounts = await clio.get<ListBody>('/api/v4/bank_accounts.json?fields=id,type,name,balance');
    expect(accounts.body.data).toEqual([
      { id: 11, type: 'Operating', name: 'Operating Account', balance: 0 },
      { id: 12, type: 'Trust', name: 'Trust Account', balance: 14 },
    ]);
  });

  it('refuses to apply more than the matter holds, but records another withdrawal past it (the report flags it)', async () => {
    const matter = await createMatter(sandbox, { trust_balance_cents: 10_000 });
    const over = await postJson<{ error: { message: string } }>(`${sandbox.url}/__sandbox/trust/${matter.id}/apply`, {
      amount_cents: 10_001,
    });
    expect(over.status).toBe(422);
    const cheque = await postJson<{ trust_balance_cents: number }>(
      `${sandbox.url}/__sandbox/trust/${matter.id}/withdraw`,
      { amount_cents: 25_000, description: 'Cheque 1042' },
    );
    expect(cheque.body.trust_balance_cents).toBe(-15_000);
  });

  it('validates the trust contracts with messages naming the field', async () => {
    const matter = await createMatter(sandbox, { trust_balance_cents: 10_000 });
    const noDescription = await postJson<{ error: { message: string } }>(
      `${sandbox.url}/__sandbox/trust/${matter.id}/withdraw`,
      { amount_cents: 100 },
    );
    expect(noDescription.status).toBe(400);
    expect(noDescription.body.error.message).toContain('description');
    const fraction = await postJson<{ error: { message: string } }>(
      `${sandbox.url}/__sandbox/trust/${matter.id}/deposit`,
      { amount_cents: 1.5, description: 'x' },
    );
    expect(fraction.body.error.message).toContain('amount_cents');
    const badDate = await postJson<{ error: { message: string } }>(
      `${sandbox.url}/__sandbox/trust/${matter.id}/deposit`,
      { amount_cents: 1, description: 'x', date: '2026-02-30x' },
    );
    expect(badDate.body.error.message).toContain('date');
    expect(
      (await postJson(`${sandbox.url}/__sandbox/trust/99999/deposit`, { amount_cents: 1, description: 'x' })).status,
    ).toBe(404);
  });
});
