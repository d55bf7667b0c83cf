/**
 * How the Clio connector reports what goes wrong (docs/architecture.md §5): a response of the wrong shape is a typed,
 * non-retryable VendorSchemaError naming the field; 5xx and network failures are retryable; other 4xx are not.
 * Shapes and statuses come from a tiny local server that answers exactly what each case needs, and from the
 * sandbox's own error injection and 404/422 answers.
 */
import { ClioHttp, ClioPracticeManagement } from '../../connectors/clio';
import { VendorError, VendorRejectedError, VendorSchemaError, VendorUnavailableError } from '../../connectors/errors';
import { HeaderDrivenRateLimiter } from '../../connectors/shared/rateLimiter';
import {
  createClioMatter,
  startSandboxedClio,
  startStubServer,
  staticClioTokens,
  type SandboxedClio,
  type StubReply,
  type StubServer,
} from '../support/sandboxes';

const completeMatter = {
  id: 42,
  etag: '"abc"',
  display_number: '00042-Lovelace',
  description: 'Estate planning',
  status: 'Open',
  billing_method: 'hourly',
  client_reference: null,
  updated_at: '2026-03-02T10:00:00Z',
  client: { id: 7, name: 'Ada Lovelace', primary_email_address: 'ada@example.com' },
  account_balances: [{ id: 12, balance: 1500.25, type: 'Trust' }],
  custom_field_values: [],
};

describe('against a stub Clio', () => {
  let stub: StubServer;
  let limiter: HeaderDrivenRateLimiter;
  let reply: StubReply;

  const practice = () =>
    new ClioPracticeManagement(new ClioHttp({ baseUrl: stub.url, tokens: staticClioTokens, limiter }));

  beforeAll(async () => {
    stub = await startStubServer(() => reply);
  });

  afterAll(async () => {
    await stub?.close();
  });

  beforeEach(() => {
    limiter = new HeaderDrivenRateLimiter(50);
    stub.requests.length = 0;
  });

  afterEach(async () => {
    await limiter.stop();
  });

  it('reads the complete matter (the stub itself is sound)', async () => {
    reply = { status: 200, body: { data: completeMatter } };
    const matter = await practice().getMatter('42');
    expect(matter).toMatchObject({ id: '42', displayNumber: '00042-Lovelace', trustBalanceCents: 150_025 });
    expect(stub.requests[0]!.headers.authorization).toBe('Bearer stub-access-token');
  });

  it('rejects a matter without display_number with a VendorSchemaError naming data.display_number', async () => {
    const { display_number: _omitted, ...withoutDisplayNumber } = completeMatter;
    reply = { status: 200, body: { data: withoutDisplayNumber } };

    const error = await practice()
      .getMatter('42')
      .catch((err: unknown) => err);

    expect(error).toBeInstanceOf(VendorSchemaError);
    const schemaError = error as VendorSchemaError;
    expect(schemaError.fieldPaths).toEqual(['data.display_number']);
    expect(schemaError.message).toContain('data.display_number');
    expect(schemaError.endpoint).toBe('GET /api/v4/matters/{id}.json');
    expect(schemaError.retryable).toBe(false);
    expect(schemaError.vendor).toBe('Clio');
    // One request: a wrong shape is not retried.
    expect(stub.requests).toHaveLength(1);
  });

  it('names every wrong field, nested ones included', async () => {
    reply = {
      status: 200,
      body: {
        data: {
          ...completeMatter,
          status: 'Archived',
          account_balances: [{ id: 12, balance: '1500.25', type: 'Trust' }],
        },
      },
    };
    const error = (await practice()
      .getMatter('42')
      .catch((err: unknown) => err)) as VendorSchemaError;
    expect(error).toBeInstanceOf(VendorSchemaError);
    expect(error.fieldPaths.sort()).toEqual(['data.account_balances.0.balance', 'data.status']);
  });

  it('classifies 500 as retryable VendorUnavailableError', async () => {
    reply = { status: 500, body: { error: { type: 'InternalServerError', message: 'boom' } } };
    const error = await practice()
      .getMatter('42')
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect(error).toMatchObject({ retryable: true, status: 500, vendor: 'Clio' });
  });

  it.each([404, 422, 403, 400])(
    'classifies %i as non-retryable VendorRejectedError with the vendor message',
    async (status) => {
      reply = { status, body: { error: { type: 'Whatever', message: `simulated ${status}` } } };
      const error = await practice()
        .getMatter('42')
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(VendorRejectedError);
      expect(error).toMatchObject({ retryable: false, status });
      expect((error as Error).message).toContain(`simulated ${status}`);
      expect(stub.requests).toHaveLength(1);
    },
  );

  it('classifies a refused connection as retryable VendorUnavailableError', async () => {
    const closed = await startStubServer(() => ({ status: 200 }));
    const url = closed.url;
    await closed.close();
    const http = new ClioHttp({ baseUrl: url, tokens: staticClioTokens, limiter });
    const error = await new ClioPracticeManagement(http).getMatter('42').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect((error as VendorError).retryable).toBe(true);
  });

  it('classifies a response slower than the timeout as retryable VendorUnavailableError', async () => {
    const slow = await startStubServer(
      () =>
        new Promise<StubReply>((resolve) =>
          setTimeout(() => resolve({ status: 200, body: { data: completeMatter } }), 500),
        ),
    );
    try {
      const http = new ClioHttp({ baseUrl: slow.url, tokens: staticClioTokens, limiter, timeoutMs: 100 });
      const error = await new ClioPracticeManagement(http).getMatter('42').catch((err: unknown) => err);
      expect(error).toBeInstanceOf(VendorUnavailableError);
    } finally {
      await slow.close();
    }
  });
});

describe('against the sandbox', () => {
  let clio: SandboxedClio;

  beforeAll(async () => {
    clio = await startSandboxedClio({ random: () => 0 });
  });

  afterAll(async () => {
    await clio?.close();
  });

  it('an injected server error is a retryable VendorUnavailableError', async () => {
    const matter = await createClioMatter(clio);
    await clio.post('/__sandbox/faults', { error_rate: 1 });
    try {
      const error = await clio.connector.practice.getMatter(String(matter.id)).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(VendorUnavailableError);
      expect(error).toMatchObject({ retryable: true, status: 500 });
    } finally {
      await clio.post('/__sandbox/faults', { error_rate: 0 });
    }
  });

  it('a read answered 5xx is sent again within the call (twice at most); a write is sent once', async () => {
    const matter = await createClioMatter(clio);
    await clio.post('/__sandbox/faults', { error_rate: 1 });
    const sent = (method: string) => clio.apiRequests().filter((r) => r.method === method).length;
    try {
      const readsBefore = sent('GET');
      await clio.connector.practice.getMatter(String(matter.id)).catch(() => undefined);
      expect(sent('GET') - readsBefore).toBe(3);
      const writesBefore = sent('POST');
      const note = { subject: 'x', detail: 'y', date: '2026-03-02' };
      await clio.connector.practice.addMatterNote(String(matter.id), note, 'k-5xx').catch(() => undefined);
      expect(sent('POST') - writesBefore).toBe(1);
    } finally {
      await clio.post('/__sandbox/faults', { error_rate: 0 });
    }
  });

  it('an unknown matter is a 404 VendorRejectedError; a note on it is a 422 VendorRejectedError', async () => {
    await expect(clio.connector.practice.getMatter('999999')).rejects.toMatchObject({
      name: 'VendorRejectedError',
      status: 404,
      retryable: false,
    });
    const note = { subject: 'x', detail: 'y', date: '2026-03-02' };
    const error = await clio.connector.practice.addMatterNote('999999', note, 'k1').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(VendorRejectedError);
    expect(error).toMatchObject({ status: 422, retryable: false });
  });

  it('a 429 that persists beyond maxRateLimitWaits is a retryable VendorUnavailableError carrying Retry-After', async () => {
    const matter = await createClioMatter(clio);
    // Another worker on the same token spends the window; then the budget drops to one request per window.
    await clio.connector.practice.getMatter(String(matter.id));
    await clio.post('/__sandbox/faults', { rate_limit_per_minute: 1 });
    // This worker may not wait out a single 429 (the stub-server tests cover waiting, and giving up after waits).
    const { practice, limiter } = clio.newConnector({ maxRateLimitWaits: 0 });
    try {
      const error = await practice.getMatter(String(matter.id)).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(VendorUnavailableError);
      expect(error).toMatchObject({ retryable: true, status: 429 });
      expect((error as VendorError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(clio.apiRequests().at(-1)!.status).toBe(429);
    } finally {
      await limiter.stop();
      await clio.post('/__sandbox/faults', { rate_limit_per_minute: 1000 });
    }
  });
});

describe('a flaky moment at Clio', () => {
  let clio: SandboxedClio;
  // The sandbox rolls once to inject an error, once more for 500 or 503; scripted rolls decide which request fails.
  const rolls: number[] = [];

  beforeAll(async () => {
    clio = await startSandboxedClio({ random: () => rolls.shift() ?? 0.99 });
  });

  afterAll(async () => {
    await clio?.close();
  });

  it('a read answered 503 once is answered by its second sending: the call succeeds', async () => {
    const matter = await createClioMatter(clio);
    await clio.post('/__sandbox/faults', { error_rate: 0.5 });
    try {
      rolls.push(0, 0.9); // the next request: an error, a 503
      const before = clio.apiRequests().length;
      await expect(clio.connector.practice.getMatter(String(matter.id))).resolves.toMatchObject({
        id: String(matter.id),
      });
      expect(clio.apiRequests().length - before).toBe(2);
    } finally {
      await clio.post('/__sandbox/faults', { error_rate: 0 });
    }
  });
});
