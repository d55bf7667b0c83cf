/**
 * Clio webhooks end to end against the sandbox: the connector creates a hook pointing at a tiny local receiver,
 * the receiver answers the handshake by echoing X-Hook-Secret, a real delivery arrives signed, and
 * verifyClioSignature accepts exactly that body and nothing else.
 */
import {
  activateClioWebhook,
  createClioWebhook,
  deleteClioWebhook,
  getClioWebhook,
  parseClioDelivery,
  peekClioWebhookId,
  renewClioWebhook,
  verifyClioSignature,
  WEBHOOK_LIFETIME_MS,
} from '../../connectors/clio';
import { VendorRejectedError, WebhookPayloadError, WebhookVerificationError } from '../../connectors/errors';
import {
  createClioActivity,
  createClioMatter,
  startSandboxedClio,
  startStubServer,
  waitFor,
  type SandboxedClio,
  type StubRequest,
  type StubServer,
} from '../support/sandboxes';

let clio: SandboxedClio;
let receiver: StubServer;
let echoHandshake = true;

const header = (request: StubRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};
const handshakes = () => receiver.requests.filter((request) => header(request, 'x-hook-secret') !== undefined);
const deliveries = () => receiver.requests.filter((request) => header(request, 'x-hook-signature') !== undefined);

beforeAll(async () => {
  clio = await startSandboxedClio();
  receiver = await startStubServer((request) => {
    const secret = header(request, 'x-hook-secret');
    return secret !== undefined && echoHandshake
      ? { status: 200, headers: { 'X-Hook-Secret': secret } }
      : { status: 200 };
  });
});

afterAll(async () => {
  await clio?.close();
  await receiver?.close();
});

beforeEach(async () => {
  await clio.post('/__sandbox/reset');
  receiver.requests.length = 0;
  echoHandshake = true;
});

describe('Clio webhooks', () => {
  it('a real delivery verifies; the same delivery with one byte flipped does not', async () => {
    const { http } = clio.connector;
    const before = Date.now();
    const hook = await createClioWebhook(http, {
      url: `${receiver.url}/hooks/clio`,
      model: 'activity',
      events: ['created'],
      fields: 'id,etag',
    });
    expect(hook).toMatchObject({ model: 'activity', url: `${receiver.url}/hooks/clio`, status: 'pending' });
    expect(hook.sharedSecret).toEqual(expect.any(String));
    expect(Date.parse(hook.expiresAt) - before).toBeGreaterThanOrEqual(WEBHOOK_LIFETIME_MS - 5_000);

    // Handshake: the sandbox POSTs X-Hook-Secret, the receiver echoes it, the hook is enabled.
    const enabled = await waitFor(async () => {
      const current = await getClioWebhook(http, hook.id);
      return current.status === 'enabled' && current;
    });
    expect(enabled.id).toBe(hook.id);
    expect(handshakes().map((request) => header(request, 'x-hook-secret'))).toEqual([hook.sharedSecret]);

    // A delivery: a time entry created by the lawyer.
    const matter = await createClioMatter(clio);
    const activity = await createClioActivity(clio, { matter_id: matter.id, hours: 1, rate_cents: 25_000 });
    const delivery = await waitFor(() => deliveries()[0]);
    const signature = header(delivery, 'x-hook-signature');

    expect(() => verifyClioSignature(delivery.rawBody, signature, hook.sharedSecret!)).not.toThrow();
    expect(peekClioWebhookId(delivery.rawBody)).toBe(hook.id);
    expect(parseClioDelivery(delivery.rawBody)).toMatchObject({
      webhookId: hook.id,
      event: 'created',
      recordId: String(activity.id),
    });

    // Flip one bit in the middle of the body: same length, still JSON-ish, signature no longer matches.
    const tampered = Buffer.from(delivery.rawBody);
    const middle = Math.floor(tampered.length / 2);
    tampered[middle] = tampered[middle]! ^ 0x01;
    expect(tampered.equals(delivery.rawBody)).toBe(false);
    expect(() => verifyClioSignature(tampered, signature, hook.sharedSecret!)).toThrow(WebhookVerificationError);

    // And the untouched body with the wrong secret, a truncated signature or none at all.
    expect(() => verifyClioSignature(delivery.rawBody, signature, 'not-the-secret')).toThrow(WebhookVerificationError);
    expect(() => verifyClioSignature(delivery.rawBody, signature!.slice(0, 10), hook.sharedSecret!)).toThrow(
      WebhookVerificationError,
    );
    expect(() => verifyClioSignature(delivery.rawBody, undefined, hook.sharedSecret!)).toThrow(
      WebhookVerificationError,
    );
  });

  it('a hook whose handshake was not echoed stays pending until activated with its secret', async () => {
    echoHandshake = false;
    const { http } = clio.connector;
    const hook = await createClioWebhook(http, {
      url: `${receiver.url}/hooks/clio`,
      model: 'matter',
      events: ['updated'],
      fields: 'id,etag,status',
    });
    await waitFor(() => handshakes().length === 1);
    await clio.sandbox.webhooksIdle();
    expect((await getClioWebhook(http, hook.id)).status).toBe('pending');

    await expect(activateClioWebhook(http, hook.id, 'wrong-secret')).rejects.toBeInstanceOf(VendorRejectedError);
    await activateClioWebhook(http, hook.id, hook.sharedSecret!);
    expect((await getClioWebhook(http, hook.id)).status).toBe('enabled');

    const renewed = await renewClioWebhook(http, hook.id, Date.now() + 86_400_000);
    expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(hook.expiresAt));
    await deleteClioWebhook(http, hook.id);
    await expect(getClioWebhook(http, hook.id)).rejects.toMatchObject({ name: 'VendorRejectedError', status: 404 });
  });

  it('a body that is not a Clio delivery is a payload error, not a crash', () => {
    expect(() => parseClioDelivery(Buffer.from('not json'))).toThrow(WebhookPayloadError);
    expect(() => parseClioDelivery(Buffer.from('{"data":{"id":1}}'))).toThrow(WebhookPayloadError);
    expect(() => peekClioWebhookId(Buffer.from('{"data":{"id":1}}'))).toThrow(WebhookPayloadError);
  });
});
