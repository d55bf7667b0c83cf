/**
 * The Clio connection over the real OAuth authorization-code flow against the sandbox: an access token that
 * expires under us is refreshed exactly once; one about to expire is refreshed before any call fails; a revoked
 * connection is a non-retryable error, not a refresh loop.
 */
import { ClioTokenManager, clioAuthorizeUrl, exchangeClioCode } from '../../connectors/clio';
import { VendorRejectedError } from '../../connectors/errors';
import { CLIO_REDIRECT_URI, createClioMatter, startSandboxedClio, type SandboxedClio } from '../support/sandboxes';

let clio: SandboxedClio;
let matterId: string;

const tokenCalls = async () => (await clio.state()).request_counts['POST /oauth/token'] ?? 0;
const unauthorized = () => clio.apiRequests().filter((request) => request.status === 401);

beforeEach(async () => {
  // A fresh sandbox, connection and token store per test: refresh counts start from the code exchange.
  clio = await startSandboxedClio();
  matterId = String((await createClioMatter(clio)).id);
});

afterEach(async () => {
  await clio?.close();
});

describe('connecting', () => {
  it('goes through authorize → callback code → token exchange, and the tokens work', async () => {
    const url = new URL(clioAuthorizeUrl(clio.oauth, CLIO_REDIRECT_URI, 'xyz'));
    expect(url.origin + url.pathname).toBe(`${clio.sandbox.url}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: clio.oauth.clientId,
      redirect_uri: CLIO_REDIRECT_URI,
      state: 'xyz',
      redirect_on_decline: 'true',
    });

    // The helper already connected: one exchange, one save, a 30-day token.
    expect(clio.store.saves).toHaveLength(1);
    expect(await tokenCalls()).toBe(1);
    const saved = clio.store.saves[0]!;
    expect(saved.expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect((await clio.connector.practice.getMatter(matterId)).id).toBe(matterId);

    // A code is single-use: replaying it is a non-retryable rejection.
    const authorize = await fetch(url, { redirect: 'manual' });
    const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
    await exchangeClioCode(clio.oauth, code, CLIO_REDIRECT_URI);
    await expect(exchangeClioCode(clio.oauth, code, CLIO_REDIRECT_URI)).rejects.toBeInstanceOf(VendorRejectedError);
  });
});

describe('refreshing', () => {
  it('refreshes an access token that expired under us exactly once, and the call succeeds', async () => {
    const { practice } = clio.connector;
    await practice.getMatter(matterId);
    expect(await tokenCalls()).toBe(1);
    const before = clio.store.saves[0]!.accessToken;

    const expired = await clio.post<{ expired: number }>('/__sandbox/tokens/expire');
    expect(expired.expired).toBeGreaterThanOrEqual(1);
    const matter = await practice.getMatter(matterId);

    expect(matter.id).toBe(matterId);
    expect(await tokenCalls()).toBe(2);
    expect(clio.store.saves).toHaveLength(2);
    const after = clio.store.saves[1]!.accessToken;
    expect(after).not.toBe(before);
    // On the wire: the stale token got one 401 invalid_token, the same call then went out with the new token.
    const matterCalls = clio.apiRequests().filter((request) => request.path.startsWith(`/api/v4/matters/${matterId}`));
    expect(matterCalls.map((request) => [request.status, request.headers.authorization])).toEqual([
      [200, `Bearer ${before}`],
      [401, `Bearer ${before}`],
      [200, `Bearer ${after}`],
    ]);

    // Later calls use the new token without another refresh.
    await practice.listApprovedEntries(matterId);
    expect(await tokenCalls()).toBe(2);
  });

  it('shares one refresh between concurrent calls that all meet the expired token', async () => {
    const { practice } = clio.connector;
    await practice.getMatter(matterId);
    await clio.post('/__sandbox/tokens/expire');

    const results = await Promise.all(Array.from({ length: 8 }, () => practice.getMatter(matterId)));

    expect(results.every((matter) => matter.id === matterId)).toBe(true);
    expect(await tokenCalls()).toBe(2);
    expect(clio.store.saves).toHaveLength(2);
  });

  it('refreshes before the call when the token expires within 5 minutes: no 401 at all', async () => {
    const current = clio.store.saves[0]!;
    clio.store.set({ ...current, expiresAt: new Date(Date.now() + 4 * 60_000) });

    await clio.connector.practice.getMatter(matterId);

    expect(await tokenCalls()).toBe(2);
    expect(clio.store.saves).toHaveLength(2);
    expect(unauthorized()).toEqual([]);
    const [call] = clio.apiRequests();
    expect(call!.headers.authorization).toBe(`Bearer ${clio.store.saves[1]!.accessToken}`);
    expect(clio.store.saves[1]!.expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
  });

  it('does not refresh a token with more than 5 minutes left', async () => {
    const current = clio.store.saves[0]!;
    clio.store.set({ ...current, expiresAt: new Date(Date.now() + 6 * 60_000) });
    await clio.connector.practice.getMatter(matterId);
    expect(await tokenCalls()).toBe(1);
  });

  it('fails with a non-retryable rejection, after one refresh attempt, when the connection was revoked', async () => {
    const token = clio.store.saves[0]!.accessToken;
    const revoke = await fetch(`${clio.sandbox.url}/oauth/deauthorize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoke.status).toBe(200);

    const error = await clio.connector.practice.getMatter(matterId).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(VendorRejectedError);
    expect(error).toMatchObject({ retryable: false, status: 400 });
    expect(await tokenCalls()).toBe(2);
    expect(unauthorized()).toHaveLength(1);
  });

  it('says there is no connection when the store is empty', async () => {
    const empty = new ClioTokenManager(clio.oauth, { load: async () => null, save: async () => undefined });
    await expect(empty.accessToken()).rejects.toMatchObject({ name: 'VendorRejectedError', status: 401 });
  });
});
