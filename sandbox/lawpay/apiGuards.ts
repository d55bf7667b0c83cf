import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { setRateLimitHeaders } from '../common/rateLimiter';
import type { LawPayContext } from './context';
import { lawPayError } from './errors';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** HTTP Basic with the secret key as username and an empty password; returns the key. */
export function requireSecretKey(ctx: LawPayContext, request: FastifyRequest): string {
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  const [username = '', password = ''] = match ? Buffer.from(match[1]!, 'base64').toString('utf8').split(':') : [];
  if (!match || password !== '' || !sameSecret(username, ctx.options.secretKey)) {
    throw lawPayError(
      401,
      'unauthorized',
      'Invalid or missing credentials: use HTTP Basic with your secret key as the username',
      {},
      { 'WWW-Authenticate': 'Basic realm="gateway"' },
    );
  }
  return username;
}

/** Every `/v1` call: latency, Basic auth, the per-key rate limit (headers on every answer), injected errors. */
export function installApiGuards(api: FastifyInstance, ctx: LawPayContext): void {
  api.addHook('onRequest', async (request, reply) => {
    await ctx.faults.delay();
    const key = requireSecretKey(ctx, request);
    const decision = ctx.rateLimiter.consume(key);
    setRateLimitHeaders(reply, decision);
    if (!decision.allowed) {
      throw lawPayError(429, 'rate_limited', `Rate limit exceeded. Retry in ${decision.retryAfterSeconds} seconds.`);
    }
    const injected = ctx.faults.injectedServerError();
    if (injected !== null) {
      throw lawPayError(
        injected,
        injected === 503 ? 'service_unavailable' : 'server_error',
        'The gateway could not process the request',
      );
    }
  });
}
