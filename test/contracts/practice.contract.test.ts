/**
 * The practice-management contract, written against the port alone and run against every implementation with its
 * peer (registry.ts): paging to the end, Retry-After, typed errors, webhook subscriptions kept and deliveries
 * verified (forgeries refused) and translated into business events, notes written once per key, and (for a system
 * an admin connects with OAuth) the sign-in flow of its PracticeAuthorization port.
 */
import { VendorRejectedError, WebhookVerificationError } from '../../connectors/errors';
import type { PracticeEvent } from '../../connectors/ports';
import { practiceImplementations } from './registry';
import type { PracticeRig } from './rigs';
import { vendorFaultContract } from './vendorFaults';

describe.each(practiceImplementations)('practice-management contract: $name', (peer) => {
  let rig: PracticeRig;
  let matterId: string;
  beforeAll(async () => {
    rig = await peer.start();
    [matterId] = (await rig.createMatters(1)) as [string];
  });
  afterAll(async () => {
    await rig?.stop();
  });
  beforeEach(() => {
    rig.proxy.clear();
    rig.proxy.requests.length = 0;
  });

  const withOAuth = peer.connectsWithOAuth ? it : it.skip;

  withOAuth(
    'connects through its authorization port: the approved code becomes tokens for the account that approved, once',
    async () => {
      const { port, approve } = rig.authorization!;
      const redirectUri = 'http://127.0.0.1:8787/oauth/clio/callback';
      const { code, state } = await approve(port.authorizeUrl(redirectUri, 'contract-state'));
      expect(state).toBe('contract-state');
      const tokens = await port.exchangeCode(code, redirectUri);
      expect(tokens).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresAt: expect.any(Date),
      });
      expect(tokens.expiresAt.getTime()).toBeGreaterThan(Date.now());
      expect(await port.connectedAccount(tokens.accessToken)).toEqual({
        userId: expect.stringMatching(/\S/),
        name: expect.stringMatching(/\S/),
      });
      await expect(port.exchangeCode(code, redirectUri)).rejects.toBeInstanceOf(VendorRejectedError);
    },
  );

  it('pages matters to the end: every matter exactly once, over more than one page', async () => {
    const created = await rig.createMatters(7);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await rig.practice.listMatters(cursor, { pageSize: 3 });
      seen.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    expect(pages).toBeGreaterThan(1);
    for (const id of [matterId, ...created]) expect(seen.filter((s) => s === id)).toHaveLength(1);
  });

  describe('vendor faults (getMatter)', () => {
    vendorFaultContract(
      () => rig,
      (r) => r.practice.getMatter(matterId),
    );
  });

  it('writes a note once per idempotency key: a retry finds the first note', async () => {
    const note = { subject: 'Invoice INV-1 sent', detail: 'Sent to the client.', date: '2026-03-02' };
    const first = await rig.practice.addMatterNote(matterId, note, 'contract-note-1');
    const retry = await rig.practice.addMatterNote(matterId, note, 'contract-note-1', { checkFirst: true });
    expect(first.created).toBe(true);
    expect(retry).toEqual({ noteId: first.noteId, created: false });
    expect(await rig.notesOn(matterId)).toBe(1);
  });

  it('answers no handshake for a request that is none', () => {
    expect(rig.practice.answerHandshake({ 'content-type': 'application/json' })).toBeNull();
  });

  describe('webhooks', () => {
    it('creates its subscriptions, and a second upkeep finds nothing to do', async () => {
      const created = await rig.practice.maintainWebhookSubscriptions(rig.ingressBaseUrl);
      expect(created.length).toBeGreaterThan(0);
      expect(created.every((s) => s.action === 'created')).toBe(true);
      await rig.webhooksSettled();
      const again = await rig.practice.maintainWebhookSubscriptions(rig.ingressBaseUrl);
      expect(again.map((s) => [s.topic, s.action])).toEqual(created.map((s) => [s.topic, 'unchanged']));
    });

    it('verifies a delivery and translates it into a business event about the matter as it is now', async () => {
      const [opened] = (await rig.createMatters(1)) as [string];
      await rig.webhooksSettled();
      const events: PracticeEvent[] = [];
      for (const delivery of rig.deliveries()) {
        const outcome = await rig.practice.parseWebhook(delivery.rawBody, delivery.headers);
        if (outcome.kind === 'events') events.push(...outcome.events);
      }
      const aboutIt = events.filter((e) => e.kind !== 'entryApproved' && e.matter.id === opened);
      expect(aboutIt.length).toBeGreaterThan(0);
      expect(aboutIt.every((e) => e.kind === 'matterOpened' || e.kind === 'matterChanged')).toBe(true);
      expect(aboutIt.some((e) => e.kind === 'matterOpened')).toBe(true);
    });

    it('refuses a forged delivery', async () => {
      const genuine = rig.deliveries().at(-1)!;
      await expect(
        rig.practice.parseWebhook(rig.forge(genuine).rawBody, rig.forge(genuine).headers),
      ).rejects.toBeInstanceOf(WebhookVerificationError);
    });
  });
});
