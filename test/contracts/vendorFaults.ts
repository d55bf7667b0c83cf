/**
 * The part of the contract every HTTP connector shares: it obeys the vendor's Retry-After, and it says what went
 * wrong with the typed errors of connectors/errors.ts, so activities know what a retry can fix.
 */
import { VendorRejectedError, VendorSchemaError, VendorUnavailableError } from '../../connectors/errors';
import type { VendorFaults } from './rigs';

const RETRY_AFTER_SECONDS = 2;

export function vendorFaultContract<Rig extends VendorFaults>(
  rig: () => Rig,
  call: (rig: Rig) => Promise<unknown>,
): void {
  const always = (status: number, headers: Record<string, string> = {}) => {
    const r = rig();
    r.proxy.inject((request) => (r.isApiCall(request) ? { status, headers, body: r.errorBody(status) } : undefined));
  };
  const failure = (r: Rig) =>
    call(r).then(
      () => {
        throw new Error('the call succeeded where it should have failed');
      },
      (err: unknown) => err,
    );

  it('obeys Retry-After: asks again no sooner than it was told, or hands the wait back to its caller', async () => {
    const r = rig();
    r.proxy.inject(
      (request) =>
        r.isApiCall(request)
          ? { status: 429, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) }, body: r.errorBody(429) }
          : undefined,
      1,
    );
    const outcome = await call(r).then(
      () => null,
      (err: unknown) => err,
    );
    const api = r.proxy.requests.filter((request) => r.isApiCall(request));
    if (outcome === null) {
      // It waited and retried itself: the retry arrived at the vendor only after the time the vendor asked for.
      expect(api.length).toBeGreaterThan(1);
      expect(api[1]!.arrivedAt - api[0]!.arrivedAt).toBeGreaterThanOrEqual(RETRY_AFTER_SECONDS * 1000 - 20);
    } else {
      // It gave up at once and says how long to wait (Temporal's retry then waits), without asking again itself.
      expect(outcome).toBeInstanceOf(VendorUnavailableError);
      expect((outcome as VendorUnavailableError).retryAfterSeconds).toBeGreaterThanOrEqual(RETRY_AFTER_SECONDS);
      expect(api).toHaveLength(1);
    }
  });

  it('a 4xx is a VendorRejectedError with its status (a retry cannot help)', async () => {
    always(403);
    const err = await failure(rig());
    expect(err).toBeInstanceOf(VendorRejectedError);
    expect((err as VendorRejectedError).status).toBe(403);
    expect((err as VendorRejectedError).retryable).toBe(false);
  });

  it('a 5xx is a VendorUnavailableError (a retry may help)', async () => {
    always(503);
    const err = await failure(rig());
    expect(err).toBeInstanceOf(VendorUnavailableError);
    expect((err as VendorUnavailableError).retryable).toBe(true);
  });

  it('no answer in time is a VendorUnavailableError', async () => {
    const r = rig();
    r.proxy.inject((request) => (r.isApiCall(request) ? 'hang' : undefined));
    const err = await failure(r);
    expect(err).toBeInstanceOf(VendorUnavailableError);
  });

  it('an answer of the wrong shape is a VendorSchemaError naming where', async () => {
    const r = rig();
    r.proxy.inject((request) => (r.isApiCall(request) ? { status: 200, body: { unexpected: true } } : undefined));
    const err = await failure(r);
    expect(err).toBeInstanceOf(VendorSchemaError);
    expect((err as VendorSchemaError).fieldPaths.length).toBeGreaterThan(0);
  });
}
