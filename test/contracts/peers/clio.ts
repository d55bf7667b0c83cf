import http from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createClioAuthorization, createClioConnector } from '../../../connectors/clio';
import { PracticeSubscriptionRepository } from '../../../store/practiceSubscriptions';
import { createSecretBox } from '../../../store/encryption';
import { createTestDatabase } from '../../support/db';
import { createClioMatter, startSandboxedClio } from '../../support/sandboxes';
import { startFaultProxy } from '../faultProxy';
import type { Delivery, Peer, PracticeRig } from '../rigs';

/** The Clio connector against the Clio-style sandbox, through the fault proxy, with a real subscription store. */
export const clioPeer: Peer<PracticeRig> = {
  name: 'Clio connector + Clio-style sandbox',
  connectsWithOAuth: true,
  async start() {
    const clio = await startSandboxedClio();
    const proxy = await startFaultProxy(clio.sandbox.url);
    const database = await createTestDatabase();
    const subscriptions = new PracticeSubscriptionRepository(database.db, createSecretBox([randomBytes(32)])).forFirm(
      'contract-firm',
    );
    const { practice, limiter } = createClioConnector({
      baseUrl: proxy.url,
      tokens: clio.tokens,
      subscriptions,
      timeoutMs: 1_000,
      maxRateLimitWaits: 2,
    });
    const received: Delivery[] = [];
    // The receiver stands where the ingress would: it answers handshakes through the port and keeps deliveries.
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const handshake = practice.answerHandshake(req.headers);
        if (handshake) {
          res.writeHead(200, { 'content-type': 'application/json', ...handshake.headers });
          res.end(JSON.stringify(handshake.body));
          return;
        }
        received.push({ rawBody: Buffer.concat(chunks), headers: req.headers });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    return {
      practice,
      proxy,
      isApiCall: (request) => request.path.startsWith('/api/v4/'),
      errorBody: (status) => ({ error: { type: 'contract', message: `simulated ${status}` } }),
      ingressBaseUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      createMatters: async (count) => {
        const ids: string[] = [];
        for (let i = 0; i < count; i += 1) ids.push(String((await createClioMatter(clio)).id));
        return ids;
      },
      notesOn: async (matterId) =>
        (await clio.state()).notes.filter((note) => String(note.matter_id) === matterId).length,
      webhooksSettled: () => clio.sandbox.webhooksIdle(),
      deliveries: () => received,
      forge: (delivery) => {
        const body = JSON.parse(delivery.rawBody.toString('utf8')) as { data: Record<string, unknown> };
        body.data.status = body.data.status === 'Closed' ? 'Open' : 'Closed';
        // Signed, but with a secret of the forger's own.
        const rawBody = Buffer.from(JSON.stringify(body));
        return {
          rawBody,
          headers: {
            ...delivery.headers,
            'x-hook-signature': createHmac('sha256', 'not-the-secret').update(rawBody).digest('hex'),
          },
        };
      },
      authorization: {
        port: createClioAuthorization(clio.oauth),
        // The sandbox approves at once, as a signed-in admin pressing Allow, and redirects to the callback.
        approve: async (authorizeUrl) => {
          const approved = await fetch(authorizeUrl, { redirect: 'manual' });
          const callback = new URL(approved.headers.get('location') ?? 'about:blank');
          return { code: callback.searchParams.get('code') ?? '', state: callback.searchParams.get('state') };
        },
      },
      stop: async () => {
        await limiter.stop().catch(() => undefined);
        await new Promise<void>((resolve) => receiver.close(() => resolve()));
        await proxy.stop();
        await clio.close();
        await database.drop();
      },
    };
  },
};
