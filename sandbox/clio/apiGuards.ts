import type { FastifyInstance, FastifyRequest } from 'fastify';
import { setRateLimitHeaders } from '../common/rateLimiter';
import { negotiateApiVersion } from './apiVersion';
import type { ClioContext } from './context';
import { clioError, invalidTokenError } from './errors';

export function bearerTokenOf(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** Throws Clio's 401 `invalid_token` unless the request carries a live access token; returns the token. */
export function requireAccessToken(ctx: ClioContext, request: FastifyRequest): string {
  const token = bearerTokenOf(request);
  const record = token === undefined ? undefined : ctx.state.accessTokens.get(token);
  if (!token || !record || record.expiresAt <= ctx.now()) throw invalidTokenError();
  return token;
}

/**
 * What every `/api/v4` call goes through: latency, token, the per-token rate limit (so every authenticated
 * answer carries the X-RateLimit headers), API version, then injected server errors.
 */
export function installApiGuards(api: FastifyInstance, ctx: ClioContext): void {
  api.addHook('onRequest', async (request, reply) => {
    await ctx.faults.delay();
    const token = requireAccessToken(ctx, request);
    const decision = ctx.rateLimiter.consume(token);
    setRateLimitHeaders(reply, decision);
    if (!decision.allowed) {
      throw clioError(429, `Rate limit exceeded. Retry in ${decision.retryAfterSeconds} seconds.`);
    }
    const version = negotiateApiVersion(request);
    reply.header('X-API-VERSION', version.text);
    const injected = ctx.faults.injectedServerError();
    if (injected !== null)
      throw clioError(injected, injected === 503 ? 'Service temporarily unavailable' : 'Internal server error');
  });
}
