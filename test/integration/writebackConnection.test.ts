import { writebackActivities } from '../../activities/writebacks';
import { ClioTokenManager, createClioConnector, type ClioTokens } from '../../connectors/clio';
import type { PracticeManagement } from '../../connectors/ports';
import { WritebackRepository } from '../../store/writebacks';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';

/**
 * The firm's practice-system connection refused as a whole (the grant revoked in Clio, or expired): the write-back
 * queue holds every write with one alert that says to reconnect, writes them all once reconnected, and then clears
 * that alert, whichever write comes first after the reconnection.
 */
describe('write-backs while the practice-system connection is refused', () => {
  let h: BillingHarness;
  useBillingHarness(devServerEnvironment, async (_env, harness) => {
    h = harness;
    await h.drainer.stop(); // drained by hand: each test decides when an attempt happens
  });

  const queue = () => new WritebackRepository(h.database.db);

  /** A connection of the firm's own, as `matterpay connect clio` makes one: fresh tokens from the sandbox. */
  async function connection(around: (practice: PracticeManagement) => PracticeManagement = (practice) => practice) {
    const fresh = async (): Promise<ClioTokens> => {
      const issued = await h.control<{ access_token: string; refresh_token: string; expires_in: number }>(
        'POST',
        '/__sandbox/tokens',
      );
      return {
        accessToken: issued.access_token,
        refreshToken: issued.refresh_token,
        expiresAt: new Date(Date.now() + issued.expires_in * 1000),
      };
    };
    let tokens = await fresh();
    const manager = new ClioTokenManager(
      { clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret', baseUrl: h.clio.url },
      { load: async () => tokens, save: async (next) => void (tokens = next) },
    );
    const practice = around(createClioConnector({ baseUrl: h.clio.url, tokens: manager }).practice);
    const services = h.firms.get(FIRM);
    return {
      drain: () =>
        writebackActivities({ db: h.database.db, firm: () => ({ ...services, practice }) }).drainWritebacks({
          firmId: FIRM,
        }),
      revoke: async () => {
        const revoked = await fetch(`${h.clio.url}/oauth/deauthorize`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens.accessToken}` },
        });
        expect(revoked.status).toBe(200);
      },
      reconnect: async () => {
        tokens = await fresh();
      },
    };
  }

  const note = (subject: string) => ({ kind: 'note' as const, subject, detail: subject, date: '2026-12-01' });
  const openAlerts = async () =>
    (
      await h.database.db.query<{ kind: string }>(
        `SELECT kind FROM alerts WHERE firm_id = $1 AND resolved_at IS NULL AND kind LIKE 'writeback-%' ORDER BY kind`,
        [FIRM],
      )
    ).rows.map((r) => r.kind);
  const states = async (matterId: string) =>
    (await queue().list(FIRM, { matterId })).map((r) => [r.idempotencyKey, r.state]);
  /** As if the queue's backoff had passed. */
  const dueNow = () =>
    h.database.db.query(`UPDATE practice_writebacks SET next_attempt_at = now() WHERE firm_id = $1`, [FIRM]);

  it('holds every write with one reconnect alert while the grant is revoked, and writes them once reconnected', async () => {
    const matter = await h.createMatter();
    const clio = await connection();
    for (const key of ['a', 'b', 'c']) await queue().enqueue(FIRM, `revoked/${key}`, String(matter.id), note(key));
    await clio.revoke();

    await clio.drain();
    expect(await states(String(matter.id))).toEqual([
      ['revoked/a', 'pending'],
      ['revoked/b', 'pending'],
      ['revoked/c', 'pending'],
    ]);
    expect(await openAlerts()).toEqual(['writeback-connection']);

    await clio.reconnect();
    await dueNow();
    await clio.drain();
    expect((await states(String(matter.id))).map(([, state]) => state)).toEqual(['done', 'done', 'done']);
    expect(await openAlerts()).toEqual([]);
  });

  it('keeps a write queued when matterpay itself fails it (a database deadlock), and writes it on the next attempt', async () => {
    const matter = await h.createMatter();
    let failures = 1;
    const clio = await connection((practice) => ({
      ...practice,
      addMatterNote: async (...args: Parameters<PracticeManagement['addMatterNote']>) => {
        if (failures-- > 0) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
        return practice.addMatterNote(...args);
      },
    }));
    await queue().enqueue(FIRM, 'ours/deadlock', String(matter.id), note('paid'));

    await clio.drain();
    // Not the practice system's refusal: dead-lettering it would lose the payment's note until an admin noticed.
    expect(await states(String(matter.id))).toEqual([['ours/deadlock', 'pending']]);
    expect(await openAlerts()).toEqual([]);

    await dueNow();
    await clio.drain();
    expect(await states(String(matter.id))).toEqual([['ours/deadlock', 'done']]);
  });

  it('clears the reconnect alert when the write that first met the refusal is then refused for a reason of its own', async () => {
    const clio = await connection();
    // Its matter deleted in the practice system meanwhile: once reconnected, this write is refused (404) for good.
    await queue().enqueue(FIRM, 'revoked/deleted-matter', '990077', note('gone'));
    await clio.revoke();
    await clio.drain();
    expect(await openAlerts()).toEqual(['writeback-connection']);

    await clio.reconnect();
    await dueNow();
    await clio.drain();
    expect(await states('990077')).toEqual([['revoked/deleted-matter', 'dead']]);
    expect(await openAlerts()).toEqual(['writeback-dead']);
  });
});
