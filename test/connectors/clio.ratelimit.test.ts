/**
 * The Clio connector's shared rate limiter (connectors/shared/rateLimiter.ts) against the sandbox's fixed-window
 * limiter (2-second windows here, so the test takes seconds): a burst larger than the budget completes without a
 * failed call and without a single 429, although the connector starts out assuming a higher limit than the
 * server's. The limiter also waits for `Retry-After` and `X-RateLimit-Reset` (checked against stub servers that
 * send exactly those headers), refills an unknown window, and keeps a process alive while a call waits.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ClioHttp } from '../../connectors/clio';
import { single } from '../../connectors/clio/schemas';
import { VendorUnavailableError } from '../../connectors/errors';
import { HeaderDrivenRateLimiter } from '../../connectors/shared/rateLimiter';
import { z } from 'zod';
import {
  createClioMatter,
  startSandboxedClio,
  startStubServer,
  staticClioTokens,
  type SandboxedClio,
  type StubServer,
} from '../support/sandboxes';

const WINDOW_MS = 2_000;
const LIMIT = 20;
const BURST = 45;

describe('Clio connector: a burst that runs into the rate limit', () => {
  let clio: SandboxedClio;

  beforeAll(async () => {
    clio = await startSandboxedClio({ rateLimitWindowMs: WINDOW_MS });
  });

  afterAll(async () => {
    await clio?.close();
  });

  it(`completes ${BURST} concurrent getMatter calls with zero failures and never more than ${LIMIT} served per window`, async () => {
    const matter = await createClioMatter(clio, { trust_balance_cents: 10_000 });
    await clio.post('/__sandbox/faults', { rate_limit_per_minute: LIMIT });
    // A fresh connector whose limiter starts by assuming Clio's documented 50 per window, not the sandbox's 20.
    const { practice, limiter } = clio.newConnector();
    const apiBefore = clio.apiRequests().length;
    const started = Date.now();

    const outcomes = await Promise.allSettled(
      Array.from({ length: BURST }, () => practice.getMatter(String(matter.id))),
    );
    const elapsed = Date.now() - started;
    await limiter.stop();

    // Zero failed calls, each one with the right matter.
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(rejected).toEqual([]);
    for (const outcome of outcomes) expect(outcome.status === 'fulfilled' && outcome.value.id).toBe(String(matter.id));

    // The sandbox's own accounting, window by window, for the one access token in use.
    const windows = clio.sandbox.context.rateLimiter.windowLog().filter((window) => window.limit === LIMIT);
    const served = windows.reduce((sum, window) => sum + window.served, 0);
    const refused = windows.reduce((sum, window) => sum + window.rejected, 0);
    for (const window of windows) expect(window.served).toBeLessThanOrEqual(LIMIT);
    expect(served).toBe(BURST);
    // 45 calls at 20 per window need 3 windows; the connector learns the real limit from the first answers and
    // then stays inside it: the sandbox never has to refuse a request.
    expect(windows.length).toBe(Math.ceil(BURST / LIMIT));
    expect(refused).toBe(0);

    // The same from the wire: every API request of the burst, with its status.
    const burst = clio.apiRequests().slice(apiBefore);
    expect(burst.filter((request) => request.status === 200)).toHaveLength(BURST);
    expect(burst.filter((request) => request.status === 429)).toHaveLength(0);
    // And from the test's clock: the requests that arrived during each of the sandbox's windows (the first one a
    // few ms before the sandbox stamps the window, more on a loaded machine) number at most the limit, and every request
    // is in a window.
    const arrivals = burst.map((request) => request.receivedAt);
    // Each arrival belongs to the last window stamped (less that slack) before it arrived: counted once.
    const windowOf = (at: number) =>
      windows.reduce((found, window, i) => (at >= window.started_at - 100 ? i : found), -1);
    const perWindow = windows.map(
      (_, i) => arrivals.filter((at) => windowOf(at) === i && at < windows[i]!.ends_at).length,
    );
    expect(perWindow.every((count) => count <= LIMIT)).toBe(true);
    expect(perWindow.reduce((sum, count) => sum + count, 0)).toBe(BURST);
    // It waited for the windows rather than spinning: at least two window changes.
    expect(elapsed).toBeGreaterThanOrEqual(2 * WINDOW_MS - 100);
  });
});

describe('HeaderDrivenRateLimiter honours what the vendor says', () => {
  let stub: StubServer | null = null;
  const http = (limiter: HeaderDrivenRateLimiter, maxRateLimitWaits?: number) =>
    new ClioHttp({ baseUrl: stub!.url, tokens: staticClioTokens, limiter, maxRateLimitWaits });
  const schema = single(z.object({ id: z.number() }));

  afterEach(async () => {
    await stub?.close();
    stub = null;
  });

  it('waits Retry-After seconds after a 429 before sending anything else', async () => {
    let calls = 0;
    stub = await startStubServer(() =>
      ++calls === 1
        ? {
            status: 429,
            headers: { 'Retry-After': '2' },
            body: { error: { type: 'RateLimited', message: 'slow down' } },
          }
        : { status: 200, body: { data: { id: 7 } } },
    );
    const limiter = new HeaderDrivenRateLimiter(50);
    const result = await http(limiter).request('GET', '/matters/7.json', { schema });
    await limiter.stop();

    expect(result.data.id).toBe(7);
    expect(stub.requests).toHaveLength(2);
    expect(stub.requests[1]!.receivedAt - stub.requests[0]!.receivedAt).toBeGreaterThanOrEqual(2_000);
  });

  it('sends nothing more once X-RateLimit-Remaining is 0, until X-RateLimit-Reset', async () => {
    // The budget is spent on the first answer and the window resets 2 s later (a whole unix second, as Clio sends).
    const resetAt = Math.ceil(Date.now() / 1000) + 2;
    stub = await startStubServer(() => ({
      status: 200,
      headers: {
        'X-RateLimit-Limit': '5',
        'X-RateLimit-Remaining': Date.now() < resetAt * 1000 ? '0' : '4',
        'X-RateLimit-Reset': String(resetAt),
      },
      body: { data: { id: 1 } },
    }));
    const limiter = new HeaderDrivenRateLimiter(50);
    const client = http(limiter);
    await client.request('GET', '/matters/1.json', { schema });
    await Promise.all([
      client.request('GET', '/matters/1.json', { schema }),
      client.request('GET', '/matters/1.json', { schema }),
    ]);
    await limiter.stop();

    expect(stub.requests).toHaveLength(3);
    expect(stub.requests[1]!.receivedAt).toBeGreaterThanOrEqual(resetAt * 1000);
    expect(stub.requests[2]!.receivedAt).toBeGreaterThanOrEqual(resetAt * 1000);
  });

  it('gives its assumed budget back every minute when the vendor sends no rate-limit headers (as LawPay)', async () => {
    jest.useFakeTimers();
    const limiter = new HeaderDrivenRateLimiter(3);
    try {
      const ran: number[] = [];
      const calls = Array.from({ length: 7 }, (_, index) =>
        limiter.schedule(async () => {
          ran.push(index);
          return index;
        }),
      );
      await jest.advanceTimersByTimeAsync(1_000);
      expect(ran).toEqual([0, 1, 2]);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(ran).toEqual([0, 1, 2, 3, 4, 5]);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    } finally {
      // Bottleneck's stop() waits on timers of its own: real ones.
      jest.useRealTimers();
      await limiter.stop();
    }
  });

  it('keeps the process alive while a call waits for its refill (a CLI run must not exit half-way)', () => {
    // A separate Node process with nothing else to do: only the limiter's refill timer can keep it running.
    const script = `
      require('tsx/cjs');
      const { HeaderDrivenRateLimiter } = require('./connectors/shared/rateLimiter.ts');
      const limiter = new HeaderDrivenRateLimiter(1);
      const started = Date.now();
      limiter.schedule(async () => 'first')
        .then(() => { limiter.backOff(1); return limiter.schedule(async () => 'second'); })
        .then((value) => console.log('ran ' + value + ' after ' + (Date.now() - started) + ' ms'));
    `;
    const output = execFileSync(process.execPath, ['-e', script], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
      timeout: 30_000,
    });
    const match = /ran second after (\d+) ms/.exec(output);
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(1_000);
  });

  it('gives up with a retryable VendorUnavailableError when 429s outlast maxRateLimitWaits', async () => {
    stub = await startStubServer(() => ({
      status: 429,
      headers: { 'Retry-After': '1' },
      body: { error: { type: 'RateLimited', message: 'no' } },
    }));
    const limiter = new HeaderDrivenRateLimiter(50);
    const error = await http(limiter, 1)
      .request('GET', '/matters/1.json', { schema })
      .catch((err: unknown) => err);
    await limiter.stop();

    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterSeconds: 1 });
    // One first try plus one wait allowed: two requests, a Retry-After apart.
    expect(stub.requests).toHaveLength(2);
    expect(stub.requests[1]!.receivedAt - stub.requests[0]!.receivedAt).toBeGreaterThanOrEqual(1_000);
  });
});
