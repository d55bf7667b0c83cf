import { z } from 'zod';
import { ClioHttp } from '../../connectors/clio';
import { single } from '../../connectors/clio/schemas';
import { HeaderDrivenRateLimiter } from '../../connectors/shared/rateLimiter';
import { startStubServer, staticClioTokens, type StubServer } from '../support/sandboxes';

/**
 * Found by the chaos harness (seed 20261201, CI size: not one invoice issued in five minutes). Clio said its window
 * resets in a minute; then one 429 said `Retry-After: 1`. The limiter kept its refill at the window's end, so every
 * Clio call of the process waited up to a minute after each 429, and with 429s every few seconds nothing moved.
 */
let stub: StubServer | null = null;

afterEach(async () => {
  await stub?.close();
  stub = null;
});

it("sends again after a 429's Retry-After, not at the end of the server's rate-limit window", async () => {
  const resetAt = Math.ceil(Date.now() / 1000) + 60;
  let calls = 0;
  stub = await startStubServer(() => {
    calls += 1;
    const headers = {
      'X-RateLimit-Limit': '1000',
      'X-RateLimit-Remaining': String(1000 - calls),
      'X-RateLimit-Reset': String(resetAt),
    };
    return calls === 2
      ? { status: 429, headers: { 'Retry-After': '1' }, body: { error: { type: 'RateLimited', message: 'slow down' } } }
      : { status: 200, headers, body: { data: { id: calls } } };
  });
  const limiter = new HeaderDrivenRateLimiter(1000);
  const client = new ClioHttp({ baseUrl: stub.url, tokens: staticClioTokens, limiter });
  const schema = single(z.object({ id: z.number() }));
  try {
    await client.request('GET', '/matters/1.json', { schema });
    const second = await client.request('GET', '/matters/2.json', { schema });
    expect(second.data.id).toBe(3);
    expect(stub.requests).toHaveLength(3);
    // The retry went out within the window Clio announced, as its Retry-After allowed.
    expect(stub.requests[2]!.receivedAt).toBeLessThan(resetAt * 1000);
  } finally {
    await limiter.stop();
  }
}, 90_000);
