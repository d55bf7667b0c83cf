import { Writable } from 'node:stream';
import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createPool } from '../../store/db';
import { loadConfig } from '../../worker/config';
import { buildIngress } from '../../worker/ingress/server';
import { createMetrics } from '../../worker/metrics';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { freePort } from '../support/ports';
import { devServerEnvironment } from '../support/temporal';

/**
 * The ingress's smaller guards (issue 10, finding 5): a failed request's log line carries no pay-link token or
 * OAuth code; HTML pages carry security headers; /metrics can require a token.
 */
describe('ingress hardening: logs without secrets, page headers, metrics access', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  useBillingHarness(devServerEnvironment, async (started, harness) => {
    env = started;
    h = harness;
  });

  it('logs a failed request without the pay-link token or the OAuth code in its URL', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    // A store that is down: every route that needs it fails with a 500.
    const brokenDb = createPool(`postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`, { max: 1 });
    const config = loadConfig(
      { FIRM_ID: FIRM, TEMPORAL_TASK_QUEUE: h.taskQueue, PUBLIC_BASE_URL: 'http://pay.firm.test', LOG_LEVEL: 'info' },
      { dotenvPath: '/nonexistent' },
    );
    const app = await buildIngress({
      config,
      temporal: env.client,
      db: brokenDb,
      logger,
      metrics: createMetrics(),
      firms: h.firms,
      box: h.box,
    });
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const token = 'PayLinkToken_0123456789abcdefghijklmnopqrst';
      const state = 'OAuthStateValue_0123456789abcdefghijklmnopq';
      expect([token.length, state.length]).toEqual([43, 43]);
      expect((await fetch(`${url}/pay/${token}`)).status).toBe(500);
      expect((await fetch(`${url}/oauth/clio/callback?code=AuthCodeFromClio123&state=${state}`)).status).toBe(500);
      const log = lines.join('');
      expect(log).toContain('request failed');
      expect(log).not.toContain(token);
      expect(log).not.toContain('AuthCodeFromClio123');
      expect(log).not.toContain(state);
    } finally {
      await app.close();
      await brokenDb.end();
    }
  });

  it('sends security headers with HTML pages (pay links, OAuth)', async () => {
    const { url } = await h.startIngress();
    for (const page of ['/pay/unknown', '/oauth/clio/callback']) {
      const response = await fetch(`${url}${page}`);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      // The client's pages carry the stricter policy of their own scope (worker/ingress/payLinks.ts): nothing by default.
      expect(response.headers.get('content-security-policy')).toMatch(
        page.startsWith('/pay/') ? /default-src 'none'/ : /default-src 'self'/,
      );
      expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'|frame-ancestors 'self'/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('requires METRICS_ACCESS_TOKEN on /metrics when it is set', async () => {
    const token = 'metrics-token-0123456789';
    const { url } = await h.startIngress({ env: { METRICS_ACCESS_TOKEN: token } });
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status,
    ).toBe(401);
    const allowed = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('matterpay_webhooks_total');
  });
});
