import pg from 'pg';
import { CommandError, isStoreOutage } from '../../worker/commands/context';
import { freePort } from '../support/ports';

/**
 * Found by the chaos harness (seed 20261201, CI size): `matterpay void` read the store again after PostgreSQL had
 * restarted under it and printed the driver's bare `matterpay: connect ECONNREFUSED 127.0.0.1:…`, where a command
 * that cannot connect at all says "cannot reach the database at … (connection refused)". A command that loses the
 * store mid-way now says the same.
 */
describe('an admin command that loses the store mid-way', () => {
  it("takes a refused connection to the store's own port for the store being down", async () => {
    const port = await freePort();
    const url = `postgres://matterpay:secret@127.0.0.1:${port}/matterpay`;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    const refused = await client.connect().then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isStoreOutage(refused, url)).toBe(true);
  });

  it("does not take another service's refused connection (a vendor call) for the store", async () => {
    const port = await freePort();
    const url = `postgres://matterpay:secret@127.0.0.1:${port}/matterpay`;
    const elsewhere = Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port + 1}`), {
      code: 'ECONNREFUSED',
      port: port + 1,
    });
    expect(isStoreOutage(elsewhere, url)).toBe(false);
  });

  it('takes PostgreSQL shutting down or starting up, and a dropped connection, for the store being down', () => {
    const url = 'postgres://matterpay@127.0.0.1:5499/matterpay';
    expect(
      isStoreOutage(
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
        url,
      ),
    ).toBe(true);
    expect(isStoreOutage(Object.assign(new Error('the database system is starting up'), { code: '57P03' }), url)).toBe(
      true,
    );
    expect(isStoreOutage(new Error('Connection terminated unexpectedly'), url)).toBe(true);
    expect(isStoreOutage(new CommandError('invoice 1 not found'), url)).toBe(false);
    expect(isStoreOutage(new Error('invoice 00001-A-1 is paid in full'), url)).toBe(false);
  });
});
