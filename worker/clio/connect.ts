import { createHash, randomBytes } from 'node:crypto';
import type { ConnectedAccount, OAuthTokens, PracticeAuthorization } from '../../connectors';
import { ClioConnectRequestRepository } from '../../store/clioConnectRequests';
import { ClioConnectionRepository } from '../../store/clioConnections';
import type { Db } from '../../store/db';
import type { SecretBox } from '../../store/encryption';

/** A start link is good for this long after `matterpay connect clio` printed it. */
export const CONNECT_LINK_LIFETIME_MS = 15 * 60_000;

/** 32 random bytes, base64url: what a start link and an OAuth state carry. */
export const connectSecretPattern = /^[A-Za-z0-9_-]{43}$/;

export const hashConnectSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

const newSecret = () => randomBytes(32).toString('base64url');

/**
 * `matterpay connect clio`: a single-use start link, bound to a nonce stored (hashed) server-side. Only someone
 * with access to the store (an admin on the server) can mint one; the link is what the browser opens.
 */
export async function mintConnectLink(
  db: Db,
  publicBaseUrl: string,
  firmId: string,
  options: { replace: boolean },
): Promise<{ url: string; requestHash: string }> {
  const secret = newSecret();
  const requestHash = hashConnectSecret(secret);
  await new ClioConnectRequestRepository(db).create({
    requestHash,
    firmId,
    replaceAllowed: options.replace,
    lifetimeMs: CONNECT_LINK_LIFETIME_MS,
  });
  return { url: `${publicBaseUrl}/oauth/clio/start?request=${secret}`, requestHash };
}

/** The start route's half: uses the link once and returns the OAuth `state` to send to Clio. */
export async function startConnection(
  db: Db,
  linkSecret: string,
): Promise<
  { kind: 'started'; firmId: string; state: string } | { kind: 'refused'; reason: 'unknown' | 'used' | 'expired' }
> {
  const state = newSecret();
  const started = await new ClioConnectRequestRepository(db).start(
    hashConnectSecret(linkSecret),
    hashConnectSecret(state),
  );
  return started.kind === 'started' ? { ...started, state } : started;
}

export type ConnectResult =
  | { kind: 'connected'; identity: ConnectedAccount; replaced: boolean }
  | { kind: 'refused-other-account'; signedInAs: ConnectedAccount; connectedAs: string };

/**
 * Stores a new grant unless it would silently move the firm to another Clio account: the user `who_am_i` names
 * for the new token must be the one already connected, or the admin must have asked for `--replace`. A connection
 * made before identities were recorded counts as another account (there is no telling whose it was).
 */
export async function completeConnection(options: {
  db: Db;
  box: SecretBox;
  firmId: string;
  authorization: PracticeAuthorization;
  tokens: OAuthTokens;
  replaceAllowed: boolean;
}): Promise<ConnectResult> {
  const connections = new ClioConnectionRepository(options.db, options.box);
  const signedInAs = await options.authorization.connectedAccount(options.tokens.accessToken);
  const existing = await connections.identity(options.firmId);
  const sameAccount = existing?.userId === signedInAs.userId;
  if (existing && !sameAccount && !options.replaceAllowed) {
    return {
      kind: 'refused-other-account',
      signedInAs,
      connectedAs: existing.userName ?? 'an earlier, unrecorded Clio user',
    };
  }
  await connections.connect(
    { firmId: options.firmId, baseUrl: options.authorization.baseUrl, ...options.tokens },
    { userId: signedInAs.userId, userName: signedInAs.name },
  );
  return { kind: 'connected', identity: signedInAs, replaced: Boolean(existing) && !sameAccount };
}

/**
 * Connects to a Clio-style sandbox with the real authorization-code flow, no browser needed: the sandbox approves
 * at once and redirects to our callback with a code, which we exchange and store as the callback route would.
 */
export async function connectToSandbox(options: {
  authorization: PracticeAuthorization;
  db: Db;
  box: SecretBox;
  firmId: string;
  redirectUri: string;
  /** The sandbox started with no records (a data dir from before it kept them): a stored grant means nothing to it. */
  sandboxIsNew: boolean;
}): Promise<'connected' | 'already connected'> {
  const stored = await new ClioConnectionRepository(options.db, options.box).identity(options.firmId);
  if (stored && !options.sandboxIsNew) return 'already connected';
  const authorize = await fetch(options.authorization.authorizeUrl(options.redirectUri, newSecret()), {
    redirect: 'manual',
  });
  const location = authorize.headers.get('location');
  const code = location ? new URL(location).searchParams.get('code') : null;
  if (!code) throw new Error(`the Clio sandbox did not redirect with a code (HTTP ${authorize.status})`);
  const tokens = await options.authorization.exchangeCode(code, options.redirectUri);
  await completeConnection({
    db: options.db,
    box: options.box,
    firmId: options.firmId,
    authorization: options.authorization,
    tokens,
    replaceAllowed: false,
  });
  return 'connected';
}
