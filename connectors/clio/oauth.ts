import { AuthorizationCode } from 'simple-oauth2';
import { VendorRejectedError, VendorUnavailableError } from '../errors';
import type { OAuthAppCredentials, OAuthTokens, OAuthTokenStore } from '../ports';
import type { TokenSource } from './http';
import { tokenResponseSchema } from './schemas';
import { withoutQuotedCredentials } from '../shared/vendorWords';

/** Clio's names for the port's OAuth shapes: the firm's Clio app, its tokens, and where they are kept. */
export type ClioOAuthClient = OAuthAppCredentials;
export type ClioTokens = OAuthTokens;
export type ClioTokenStore = OAuthTokenStore;

/** Refresh this long before `expires_in` runs out, so no call goes out with a token about to die. */
const REFRESH_MARGIN_MS = 5 * 60_000;

function oauthClient(client: ClioOAuthClient): AuthorizationCode {
  return new AuthorizationCode({
    client: { id: client.clientId, secret: client.clientSecret },
    auth: { tokenHost: client.baseUrl, tokenPath: '/oauth/token', authorizePath: '/oauth/authorize' },
    // Clio takes the client credentials in the form body, as its sample application sends them.
    options: { authorizationMethod: 'body' },
  });
}

/** Step 1 of the authorization-code grant: where to send the admin's browser. */
export function clioAuthorizeUrl(client: ClioOAuthClient, redirectUri: string, state: string): string {
  const url = new URL(oauthClient(client).authorizeURL({ redirect_uri: redirectUri, state }));
  url.searchParams.set('redirect_on_decline', 'true');
  return url.toString();
}

/** Step 3: trade the callback's code for tokens. */
export async function exchangeClioCode(
  client: ClioOAuthClient,
  code: string,
  redirectUri: string,
): Promise<ClioTokens> {
  return toTokens(
    await callTokenEndpoint(() => oauthClient(client).getToken({ code, redirect_uri: redirectUri })),
    null,
  );
}

/**
 * Access tokens for one connection: refreshed before expiry, and on demand after a 401. Concurrent callers share
 * one refresh. Clio Manage refresh tokens are reusable and do not expire, so a refresh never loses the connection.
 */
export class ClioTokenManager implements TokenSource {
  private pendingRefresh: Promise<string> | null = null;

  constructor(
    private readonly client: ClioOAuthClient,
    private readonly store: ClioTokenStore,
    private readonly now: () => number = Date.now,
  ) {}

  async accessToken(): Promise<string> {
    const tokens = await this.store.load();
    if (!tokens) throw new VendorRejectedError('Clio', 'no Clio connection: run `matterpay connect clio`', 401, true);
    if (this.isFresh(tokens)) return tokens.accessToken;
    return this.refresh(tokens.accessToken);
  }

  /**
   * One refresh for every caller that met the same stale token: a caller that saw the old token after another
   * caller's refresh had already finished gets the new token instead of refreshing again.
   */
  refresh(staleToken?: string): Promise<string> {
    this.pendingRefresh ??= this.doRefresh(staleToken).finally(() => {
      this.pendingRefresh = null;
    });
    return this.pendingRefresh;
  }

  private isFresh(tokens: ClioTokens): boolean {
    return tokens.expiresAt.getTime() - this.now() > REFRESH_MARGIN_MS;
  }

  private async doRefresh(staleToken?: string): Promise<string> {
    const tokens = await this.store.load();
    if (!tokens) throw new VendorRejectedError('Clio', 'no Clio connection: run `matterpay connect clio`', 401, true);
    if (staleToken !== undefined && tokens.accessToken !== staleToken && this.isFresh(tokens))
      return tokens.accessToken;
    const oauth = oauthClient(this.client);
    const current = oauth.createToken({
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      token_type: 'bearer',
    });
    // A refresh refused (invalid_grant: the grant was revoked or has expired) ends the connection, not one call.
    const refreshed = toTokens(await callTokenEndpoint(() => current.refresh(), true), tokens.refreshToken);
    await this.store.save(refreshed);
    return refreshed.accessToken;
  }
}

async function callTokenEndpoint(
  call: () => Promise<{ token: Record<string, unknown> }>,
  refusalEndsConnection = false,
): Promise<Record<string, unknown>> {
  try {
    return (await call()).token;
  } catch (err) {
    const status = (err as { output?: { statusCode?: number } }).output?.statusCode ?? null;
    const message = `Clio token endpoint: ${withoutQuotedCredentials((err as Error).message)}`;
    if (status !== null && status >= 400 && status < 500 && status !== 429)
      throw new VendorRejectedError('Clio', message, status, refusalEndsConnection);
    throw new VendorUnavailableError('Clio', message, status);
  }
}

function toTokens(raw: Record<string, unknown>, previousRefreshToken: string | null): ClioTokens {
  const parsed = tokenResponseSchema.parse(raw);
  const refreshToken = parsed.refresh_token ?? previousRefreshToken;
  if (!refreshToken) throw new VendorRejectedError('Clio', 'token response has no refresh_token', 502);
  return { accessToken: parsed.access_token, refreshToken, expiresAt: new Date(Date.now() + parsed.expires_in * 1000) };
}
