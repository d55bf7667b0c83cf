import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { clioAuthorizeUrl, exchangeClioCode, type ClioOAuthClient, type ClioTokenStore } from '../../connectors/clio';

/**
 * OAuth `state` that needs no server-side session: firm, nonce and time, signed with a key derived from the
 * secret key. It expires after 15 minutes, like the authorization code it travels with.
 */
export function signState(key: Buffer, firmId: string, now = Date.now()): string {
  const body = `${firmId}.${randomBytes(9).toString('base64url')}.${now}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

export function verifyState(key: Buffer, state: string, now = Date.now()): string | null {
  const parts = state.split('.');
  if (parts.length !== 4) return null;
  const [firmId, nonce, issued, signature] = parts as [string, string, string, string];
  const expected = createHmac('sha256', key).update(`${firmId}.${nonce}.${issued}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (now - Number(issued) > 15 * 60_000) return null;
  return firmId;
}

/**
 * Connects to a Clio-style sandbox with the real authorization-code flow, no browser needed: the sandbox approves
 * at once and redirects to our callback with a code, which we exchange as the callback route would.
 */
export async function connectToSandbox(oauth: ClioOAuthClient, store: ClioTokenStore, redirectUri: string, stateKey: Buffer, firmId: string): Promise<'connected' | 'already connected'> {
  if (await store.load()) return 'already connected';
  const authorize = await fetch(clioAuthorizeUrl(oauth, redirectUri, signState(stateKey, firmId)), { redirect: 'manual' });
  const location = authorize.headers.get('location');
  const code = location ? new URL(location).searchParams.get('code') : null;
  if (!code) throw new Error(`the Clio sandbox did not redirect with a code (HTTP ${authorize.status})`);
  await store.save(await exchangeClioCode(oauth, code, redirectUri));
  return 'connected';
}
