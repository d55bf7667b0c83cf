import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import Stripe from 'stripe';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createStripeProcessor } from '../../connectors/stripe';
import { PracticeSubscriptionRepository } from '../../store/practiceSubscriptions';
import { FirmRegistry } from '../../worker/firms';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { startStripeMock, type StripeMock } from '../support/stripe-mock';
import { devServerEnvironment } from '../support/temporal';

/**
 * Fuzzing every route a stranger can reach (issue 10): generated bodies and headers (valid JSON, truncated JSON,
 * huge strings, wrong types, forged signatures, stale timestamps, replayed signed events) against each webhook route
 * and /pay/:token, on the real ingress with Temporal up. Never a 5xx, never a workflow started, never a row written
 * for an unverified event. A fixed seed makes a failure reproducible; FUZZ_RUNS=10000 is `npm run bench:fuzz`.
 */
const SEED = 20261201;
const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);
const STRIPE_FIRM = 'fuzz-stripe-firm';
const WEBHOOK_SECRET = 'whsec_fuzz_matterpay';
const CLIO_HOOK = { id: '4242', secret: 'clio-fuzz-shared-secret' };

describe(`fuzzing the ingress (${RUNS} cases per route, seed ${SEED})`, () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  let stripeMock: StripeMock;
  let ingressUrl: string;
  const signer = new Stripe('sk_test_123');
  const statuses = new Map<string, Map<number, number>>();

  useBillingHarness(devServerEnvironment, async (started, harness) => {
    env = started;
    h = harness;
    stripeMock = await startStripeMock();
    const lawFirm = h.firms.connection(FIRM);
    const stripeFirm = {
      services: {
        ...lawFirm.services,
        firmId: STRIPE_FIRM,
        processor: createStripeProcessor({
          secretKey: 'sk_test_123',
          webhookSecret: WEBHOOK_SECRET,
          connectedAccount: 'acct_1FuzzFirm',
          apiHost: { host: stripeMock.host, port: stripeMock.port, protocol: 'http' },
        }),
      },
      practiceAuth: lawFirm.practiceAuth,
    };
    h.firms = new FirmRegistry(
      new Map([
        [FIRM, lawFirm],
        [STRIPE_FIRM, stripeFirm],
      ]),
    );
    await new PracticeSubscriptionRepository(h.database.db, h.box).forFirm(FIRM).save({
      subscriptionId: CLIO_HOOK.id,
      topic: 'matter',
      secret: CLIO_HOOK.secret,
      status: 'enabled',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    // Limits and budgets far above the run, so every case reaches its handler (the limits have their own tests).
    await h.control('POST', '/__sandbox/faults', { rate_limit_per_minute: 10_000_000 }, h.lawpay.url);
    ingressUrl = (
      await h.startIngress({
        extraFirms: [[STRIPE_FIRM, stripeFirm]],
        env: {
          WEBHOOK_RATE_LIMIT: '1000000/1m',
          PAGE_RATE_LIMIT: '1000000/1m',
          LAWPAY_REQUESTS_PER_MINUTE: '2000000',
          LAWPAY_INGRESS_REQUESTS_PER_MINUTE: '1000000',
        },
      })
    ).url;
  });
  afterAll(async () => {
    await stripeMock?.stop();
    const summary = [...statuses].map(
      ([route, counts]) =>
        `${route}: ${[...counts]
          .sort()
          .map(([s, n]) => `${s}×${n}`)
          .join(' ')}`,
    );
    process.stdout.write(`fuzz (${RUNS} cases per route, seed ${SEED}):\n  ${summary.join('\n  ')}\n`);
  });

  // ---- generators -------------------------------------------------------------------------------------------
  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom('', ' ', '\u0000', '../../etc', '%00', '{{7*7}}'),
  );
  const hugeString = fc.integer({ min: 10_000, max: 200_000 }).map((n) => 'A'.repeat(n));
  const jsonValue = fc.jsonValue({ maxDepth: 3 });
  const wrongTypes = fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  );
  const fieldValue = fc.oneof(text, wrongTypes, hugeString);
  const truncate = (body: string) => fc.nat({ max: Math.max(0, body.length - 1) }).map((n) => body.slice(0, n));

  /** Shaped as LawPay sends them, naming transactions that do not exist or events about something else. */
  const wellFormedLawPayEvent = fc.record({
    id: fc.stringMatching(/^evt_[A-Za-z0-9]{1,20}$/),
    type: fc.constantFrom(
      'transaction.completed',
      'transaction.failed',
      'transaction.authorized',
      'merchant.updated',
      'recurring_charge.created',
    ),
    data: fc.record({
      id: fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/),
      status: fc.constantFrom('COMPLETED', 'FAILED', 'PENDING', 'VOIDED'),
      amount: fc.integer(),
    }),
  });
  const mangledLawPayEvent = fc.record(
    {
      id: fc.oneof(fc.stringMatching(/^evt_[A-Za-z0-9]{1,20}$/), fieldValue),
      type: fc.oneof(
        fc.constantFrom(
          'transaction.completed',
          'transaction.failed',
          'transaction.authorized',
          'merchant.updated',
          'recurring_charge.created',
        ),
        fieldValue,
      ),
      data: fc.oneof(
        fc.record({
          id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/), fieldValue),
          status: fc.oneof(fc.constantFrom('COMPLETED', 'FAILED', 'PENDING'), fieldValue),
        }),
        wrongTypes,
      ),
    },
    { requiredKeys: [] },
  );
  const lawPayEvent = fc.oneof(
    { weight: 1, arbitrary: wellFormedLawPayEvent },
    { weight: 1, arbitrary: mangledLawPayEvent },
  );
  const stripeEvent = fc.record(
    {
      id: fc.oneof(fc.stringMatching(/^evt_[A-Za-z0-9]{1,20}$/), fieldValue),
      type: fc.oneof(fc.constantFrom('payment_intent.succeeded', 'refund.created', 'charge.succeeded'), fieldValue),
      account: fc.oneof(fc.constant('acct_1FuzzFirm'), fieldValue),
      data: fc.oneof(
        fc.record({
          object: fc.record({
            id: fc.stringMatching(/^pi_[A-Za-z0-9]{1,20}$/),
            amount: fc.oneof(fc.integer(), fieldValue),
            metadata: fc.record({ reference: text }),
          }),
        }),
        wrongTypes,
      ),
    },
    { requiredKeys: [] },
  );
  /** Shaped as Clio sends them, for the firm's real webhook, with a signature that does not match. */
  const wellFormedClioDelivery = fc.record({
    data: fc.record({ id: fc.nat(), etag: fc.constant('"x"'), status: fc.constantFrom('Open', 'Closed') }),
    meta: fc.record({
      event: fc.constantFrom('created', 'updated', 'matter_closed'),
      webhook_id: fc.constant(Number(CLIO_HOOK.id)),
    }),
  });
  const mangledClioDelivery = fc.record(
    {
      data: fc.oneof(
        fc.record({
          id: fc.oneof(fc.nat(), fieldValue),
          etag: text,
          status: fc.oneof(fc.constantFrom('Open', 'Closed'), fieldValue),
        }),
        wrongTypes,
      ),
      meta: fc.oneof(
        fc.record({
          event: fc.oneof(fc.constantFrom('created', 'updated', 'matter_closed', 'deleted'), fieldValue),
          webhook_id: fc.oneof(fc.constant(Number(CLIO_HOOK.id)), fc.nat(), fieldValue),
        }),
        wrongTypes,
      ),
    },
    { requiredKeys: [] },
  );
  const clioDelivery = fc.oneof(wellFormedClioDelivery, mangledClioDelivery);

  /** A body: the generated event as JSON, truncated JSON, other JSON, or not JSON at all. */
  const bodyFrom = (event: fc.Arbitrary<unknown>) =>
    fc.oneof(
      { weight: 4, arbitrary: event.map((e) => JSON.stringify(e)) },
      { weight: 2, arbitrary: event.chain((e) => truncate(JSON.stringify(e))) },
      { weight: 1, arbitrary: jsonValue.map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.oneof(text, hugeString) },
    );
  const contentType = fc.constantFrom(
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=utf-16',
    undefined,
  );
  const hex = fc.stringMatching(/^[0-9a-f]{0,80}$/);
  /** What an HTTP client can put in a header at all (visible ASCII), so the ingress is what refuses it. */
  const headerText = fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,200}$/);

  // ---- one case ---------------------------------------------------------------------------------------------
  async function send(route: string, url: string, init: RequestInit): Promise<{ status: number; body: string }> {
    const response = await fetch(url, init);
    const body = await response.text();
    const counts = statuses.get(route) ?? new Map<number, number>();
    counts.set(response.status, (counts.get(response.status) ?? 0) + 1);
    statuses.set(route, counts);
    return { status: response.status, body };
  }
  /** Temporal is up, so no 5xx at all; and no case may be accepted, since none is a real, verified event. */
  function expectRefusedCleanly(result: { status: number; body: string }) {
    expect(result.status).toBeLessThan(500);
    expect(result.body).not.toContain('"accepted"');
  }
  const headersWith = (type: string | undefined, extra: Record<string, string>) => ({
    ...(type ? { 'content-type': type } : {}),
    ...extra,
  });
  const property = <T>(arbitrary: fc.Arbitrary<T>, run: (generated: T) => Promise<void>) =>
    fc.assert(fc.asyncProperty(arbitrary, run), { seed: SEED, numRuns: RUNS });

  it('POST /webhooks/lawpay: forged, malformed and squatting hints are refused or ignored, and cost no workflow', async () => {
    await property(fc.tuple(bodyFrom(lawPayEvent), contentType), async ([body, type]) => {
      expectRefusedCleanly(
        await send('lawpay', `${ingressUrl}/webhooks/lawpay`, { method: 'POST', headers: headersWith(type, {}), body }),
      );
    });
  });

  it('POST /webhooks/stripe: forged signatures, stale timestamps and replays are refused', async () => {
    const signature = fc.oneof(
      {
        weight: 2,
        arbitrary: fc.tuple(fc.integer({ min: 0, max: 4_000_000_000 }), hex).map(([t, v]) => `t=${t},v1=${v}`),
      },
      { weight: 1, arbitrary: headerText },
      // Signed with the real secret, but long ago (a replay) or far in the future.
      { weight: 2, arbitrary: fc.constantFrom('stale', 'future') },
      // Signed correctly, with another secret.
      { weight: 1, arbitrary: fc.constant('wrong-secret') },
    );
    await property(fc.tuple(bodyFrom(stripeEvent), signature, contentType), async ([body, sig, type]) => {
      const now = Math.floor(Date.now() / 1000);
      const header =
        sig === 'stale'
          ? signer.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET, timestamp: now - 3_600 })
          : sig === 'future'
            ? signer.webhooks.generateTestHeaderString({
                payload: body,
                secret: WEBHOOK_SECRET,
                timestamp: now + 3_600,
              })
            : sig === 'wrong-secret'
              ? signer.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_someone_else' })
              : sig;
      expectRefusedCleanly(
        await send('stripe', `${ingressUrl}/webhooks/stripe?firm=${STRIPE_FIRM}`, {
          method: 'POST',
          headers: headersWith(type, { 'stripe-signature': header }),
          body,
        }),
      );
    });
  });

  it('POST /webhooks/clio: deliveries with forged signatures, unknown hooks or bad shapes are refused', async () => {
    const signature = fc.oneof(hex, headerText, fc.constant(undefined), fc.constant('wrong-secret'));
    await property(fc.tuple(bodyFrom(clioDelivery), signature, contentType), async ([body, sig, type]) => {
      const header = sig === 'wrong-secret' ? createHmac('sha256', 'not-the-secret').update(body).digest('hex') : sig;
      expectRefusedCleanly(
        await send('clio', `${ingressUrl}/webhooks/clio`, {
          method: 'POST',
          headers: headersWith(type, header === undefined ? {} : { 'x-hook-signature': header }),
          body,
        }),
      );
    });
  });

  it('GET /pay/:token: made-up tokens find nothing and never fail', async () => {
    const token = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      text,
      fc.integer({ min: 100, max: 7_000 }).map((n) => 'x'.repeat(n)),
    );
    await property(token, async (t) => {
      expectRefusedCleanly(await send('pay', `${ingressUrl}/pay/${encodeURIComponent(t)}`, { method: 'GET' }));
    });
  });

  it('left nothing behind: no workflow on the task queue, no processed event, no payment row', async () => {
    const { rows: events } = await h.database.db.query('SELECT count(*)::int AS n FROM processed_events');
    const { rows: payments } = await h.database.db.query('SELECT count(*)::int AS n FROM processed_payments');
    expect({ events: events[0].n, payments: payments[0].n }).toEqual({ events: 0, payments: 0 });
    const started: string[] = [];
    for await (const workflow of env.client.workflow.list({ query: `TaskQueue = "${h.taskQueue}"` }))
      started.push(workflow.workflowId);
    expect(started).toEqual([]);
  });
});
