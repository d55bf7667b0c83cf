import { startClioSandbox } from '../../sandbox';
import type { ClioSandboxHandle, ClioTokenResponse } from '../../sandbox';
import { clioClient } from './clioHelpers';
import { postJson, requestJson } from './support';

const REDIRECT_URI = 'http://127.0.0.1:8787/oauth/clio/callback';

describe('Clio sandbox: OAuth 2.0 authorization code', () => {
  let sandbox: ClioSandboxHandle;

  beforeAll(async () => {
    sandbox = await startClioSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());

  async function authorize(clientId = 'sandbox-client-id'): Promise<Response> {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      state: 'xyz-123',
    });
    return fetch(`${sandbox.url}/oauth/authorize?${query}`, { redirect: 'manual' });
  }

  function tokenRequest(
    fields: Record<string, string>,
  ): Promise<{ status: number; body: ClioTokenResponse & { error?: string } }> {
    return requestJson(`${sandbox.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'sandbox-client-id',
        client_secret: 'sandbox-client-secret',
        ...fields,
      }).toString(),
    });
  }

  it('auto-approves, exchanges the code once, refreshes with a reusable refresh token', async () => {
    const redirect = await authorize();
    expect(redirect.status).toBe(302);
    const callback = new URL(redirect.headers.get('location')!);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('state')).toBe('xyz-123');
    const code = callback.searchParams.get('code')!;

    const exchanged = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 30 * 24 * 3600,
      refresh_token: expect.any(String),
    });
    const reused = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');

    const me = await clioClient(sandbox, exchanged.body.access_token).get<{ data: { id: number; name: string } }>(
      '/api/v4/users/who_am_i.json?fields=id,name',
    );
    expect(me.body.data).toEqual({ id: 1, name: 'Sandbox Attorney' });

    const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: exchanged.body.refresh_token });
    const refreshedAgain = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: exchanged.body.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshedAgain.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(exchanged.body.access_token);
    expect(refreshed.body.refresh_token).toBe(exchanged.body.refresh_token);
  });

  it('grants as whoever is signed in: who_am_i names the approving user, across refreshes and resets', async () => {
    const whoAmI = async (token: string) =>
      (
        await requestJson<{ data: { id: number; name: string } }>(
          `${sandbox.url}/api/v4/users/who_am_i.json?fields=id,name`,
          { headers: { authorization: `Bearer ${token}` } },
        )
      ).body.data;
    const grant = async () => {
      const code = new URL((await authorize()).headers.get('location')!).searchParams.get('code')!;
      return (await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })).body;
    };
    const first = await grant();
    expect(await whoAmI(first.access_token)).toEqual({ id: 1, name: 'Sandbox Attorney' });

    const created = await postJson<{ id: number }>(`${sandbox.url}/__sandbox/users`, {
      name: 'Pat Partner',
      email: 'pat@sandbox.example',
    });
    expect(created.status).toBe(201);
    expect((await postJson(`${sandbox.url}/__sandbox/signed_in_user`, { user_id: created.body.id })).status).toBe(200);
    const second = await grant();
    expect(await whoAmI(second.access_token)).toEqual({ id: created.body.id, name: 'Pat Partner' });
    expect(await whoAmI(first.access_token)).toEqual({ id: 1, name: 'Sandbox Attorney' }); // earlier grants keep their user

    const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: second.refresh_token });
    expect(await whoAmI(refreshed.body.access_token)).toEqual({ id: created.body.id, name: 'Pat Partner' });
    await postJson(`${sandbox.url}/__sandbox/reset`, {});
    expect(await whoAmI(refreshed.body.access_token)).toEqual({ id: created.body.id, name: 'Pat Partner' });
    expect((await postJson(`${sandbox.url}/__sandbox/signed_in_user`, { user_id: 999 })).status).toBe(404);
    await postJson(`${sandbox.url}/__sandbox/signed_in_user`, { user_id: 1 });
  });

  it('accepts a JSON token request too, and rejects a wrong client secret', async () => {
    const code = new URL((await authorize()).headers.get('location')!).searchParams.get('code')!;
    const wrongSecret = await postJson<{ error: string }>(`${sandbox.url}/oauth/token`, {
      client_id: 'sandbox-client-id',
      client_secret: 'nope',
      grant_type: 'authorization_code',
      code,
    });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error).toBe('invalid_client');
  });

  it('refuses an unknown client_id at authorize', async () => {
    const response = await authorize('someone-else');
    expect(response.status).toBe(400);
  });

  it('answers 401 invalid_token for unknown and expired tokens; refreshing once recovers', async () => {
    const unknown = await clioClient(sandbox, 'not-a-token').get<{ error: string; error_description: string }>(
      '/api/v4/matters.json',
    );
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({
      error: 'invalid_token',
      error_description: 'The access token is expired, revoked, malformed or invalid',
    });

    const tokens = sandbox.issueTokens();
    expect((await clioClient(sandbox, tokens.access_token).get('/api/v4/matters.json')).status).toBe(200);
    expect((await postJson<{ expired: number }>(`${sandbox.url}/__sandbox/tokens/expire`, {})).status).toBe(200);
    const expired = await clioClient(sandbox, tokens.access_token).get<{ error: string }>('/api/v4/matters.json');
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe('invalid_token');

    const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect((await clioClient(sandbox, refreshed.body.access_token).get('/api/v4/matters.json')).status).toBe(200);
  });

  it('deauthorize revokes the whole grant', async () => {
    const tokens = sandbox.issueTokens();
    const revoked = await requestJson(`${sandbox.url}/oauth/deauthorize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.access_token }).toString(),
    });
    expect(revoked.status).toBe(200);
    expect((await clioClient(sandbox, tokens.access_token).get('/api/v4/matters.json')).status).toBe(401);
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).status).toBe(400);
  });

  it('honours the access-token lifetime option', async () => {
    let now = Date.parse('2025-03-03T12:00:00Z');
    const shortLived = await startClioSandbox({ port: 0, accessTokenTtlSeconds: 60, clock: () => now });
    try {
      const tokens = shortLived.issueTokens();
      expect(tokens.expires_in).toBe(60);
      expect((await clioClient(shortLived, tokens.access_token).get('/api/v4/matters.json')).status).toBe(200);
      now += 61_000;
      expect((await clioClient(shortLived, tokens.access_token).get('/api/v4/matters.json')).status).toBe(401);
    } finally {
      await shortLived.close();
    }
  });
});
