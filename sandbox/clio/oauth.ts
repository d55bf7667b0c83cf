import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { randomToken } from '../common/randomIds';
import { bearerTokenOf } from './apiGuards';
import type { ClioContext } from './context';
import { oauthError } from './errors';

export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token: string;
}

function mintAccessToken(ctx: ClioContext, refreshToken: string, userId: number): TokenResponse {
  const accessToken = randomToken();
  const lifetime = ctx.options.accessTokenTtlSeconds;
  ctx.state.accessTokens.set(accessToken, { expiresAt: ctx.now() + lifetime * 1000, refreshToken, userId });
  return { access_token: accessToken, token_type: 'bearer', expires_in: lifetime, refresh_token: refreshToken };
}

/** A new grant for the configured client, as if the signed-in user had just approved the app. */
export function issueTokens(ctx: ClioContext, userId = ctx.state.signedInUserId): TokenResponse {
  const refreshToken = randomToken();
  ctx.state.refreshTokens.set(refreshToken, { clientId: ctx.options.clientId, userId });
  return mintAccessToken(ctx, refreshToken, userId);
}

/** Ends every issued access token now; refresh tokens keep working (what a connector must cope with). */
export function expireAllAccessTokens(ctx: ClioContext): number {
  const now = ctx.now();
  for (const token of ctx.state.accessTokens.values()) token.expiresAt = Math.min(token.expiresAt, now);
  return ctx.state.accessTokens.size;
}

const authorizeQuery = z.object({
  response_type: z.literal('code'),
  client_id: z.string().min(1),
  redirect_uri: z.string().min(1),
  state: z.string().optional(),
  redirect_on_decline: z.string().optional(),
});

const tokenRequest = z.discriminatedUnion('grant_type', [
  z.object({
    grant_type: z.literal('authorization_code'),
    code: z.string().min(1),
    redirect_uri: z.string().optional(),
  }),
  z.object({ grant_type: z.literal('refresh_token'), refresh_token: z.string().min(1) }),
]);

/** Client credentials may come in the form body or as HTTP Basic auth (both are allowed by RFC 6749). */
function clientCredentials(request: FastifyRequest, body: Record<string, unknown>): { id?: string; secret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (basic) {
    const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    return { id: decodeURIComponent(id ?? ''), secret: decodeURIComponent(secret ?? '') };
  }
  return {
    id: typeof body.client_id === 'string' ? body.client_id : undefined,
    secret: typeof body.client_secret === 'string' ? body.client_secret : undefined,
  };
}

function isValidRedirect(ctx: ClioContext, redirectUri: string): boolean {
  try {
    new URL(redirectUri);
  } catch {
    return false;
  }
  return ctx.options.redirectUris === null || ctx.options.redirectUris.includes(redirectUri);
}

export function registerOAuthRoutes(app: FastifyInstance, ctx: ClioContext): void {
  /** Whoever is signed in (`POST /__sandbox/signed_in_user`, default the first user) approves at once. */
  app.get('/oauth/authorize', async (request, reply) => {
    const parsed = authorizeQuery.safeParse(request.query);
    if (!parsed.success)
      throw oauthError(400, 'invalid_request', 'response_type=code, client_id and redirect_uri are required');
    const { client_id: clientId, redirect_uri: redirectUri, state } = parsed.data;
    if (clientId !== ctx.options.clientId) throw oauthError(400, 'invalid_client', 'Unknown client_id');
    if (!isValidRedirect(ctx, redirectUri))
      throw oauthError(400, 'invalid_request', 'redirect_uri is not registered for this client');
    const code = randomToken(24);
    ctx.state.authorizationCodes.set(code, {
      clientId,
      redirectUri,
      expiresAt: ctx.now() + ctx.options.authorizationCodeTtlSeconds * 1000,
      userId: ctx.state.signedInUserId,
    });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    if (state !== undefined) target.searchParams.set('state', state);
    return reply.redirect(target.toString(), 302);
  });

  app.post('/oauth/token', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const client = clientCredentials(request, body);
    if (client.id !== ctx.options.clientId || client.secret !== ctx.options.clientSecret) {
      throw oauthError(401, 'invalid_client', 'Client authentication failed');
    }
    const parsed = tokenRequest.safeParse(body);
    if (!parsed.success) {
      throw oauthError(
        400,
        'unsupported_grant_type',
        'grant_type must be authorization_code (with code) or refresh_token (with refresh_token)',
      );
    }
    const grant = parsed.data;
    if (grant.grant_type === 'authorization_code') {
      const code = ctx.state.authorizationCodes.get(grant.code);
      // Codes are single-use: consumed even when the exchange then fails.
      ctx.state.authorizationCodes.delete(grant.code);
      if (!code || code.expiresAt <= ctx.now() || code.clientId !== client.id) {
        throw oauthError(400, 'invalid_grant', 'The authorization code is invalid, expired or already used');
      }
      if (grant.redirect_uri !== undefined && grant.redirect_uri !== code.redirectUri) {
        throw oauthError(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
      }
      return reply.header('Cache-Control', 'no-store').send(issueTokens(ctx, code.userId));
    }
    const refresh = ctx.state.refreshTokens.get(grant.refresh_token);
    if (refresh?.clientId !== client.id) {
      throw oauthError(400, 'invalid_grant', 'The refresh token is invalid or revoked');
    }
    return reply.header('Cache-Control', 'no-store').send(mintAccessToken(ctx, grant.refresh_token, refresh.userId));
  });

  /** Revokes the whole grant (access and refresh token) behind the presented token. */
  app.post('/oauth/deauthorize', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const token = bearerTokenOf(request) ?? (typeof body.token === 'string' ? body.token : undefined);
    const record = token === undefined ? undefined : ctx.state.accessTokens.get(token);
    if (!record) throw oauthError(401, 'invalid_token', 'The access token is expired, revoked, malformed or invalid');
    ctx.state.refreshTokens.delete(record.refreshToken);
    for (const [accessToken, other] of ctx.state.accessTokens) {
      if (other.refreshToken === record.refreshToken) ctx.state.accessTokens.delete(accessToken);
    }
    return reply.code(200).send({});
  });
}
