import { execFile } from 'node:child_process';
import http from 'node:http';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { AesGcmPayloadCodec, payloadKeys } from '../../worker/codec';
import { loadConfig } from '../../worker/config';
import { codecCallerAllowed, registerCodecServer } from '../../worker/ingress/codecServer';
import type { IngressDeps } from '../../worker/ingress/server';
import { echo, failInWorkflow, failThroughStep } from '../fixtures/foundation-workflows';
import { encryptingClient, testDataConverter, TEST_SECRET_KEY } from '../support/codec';
import { bundle, devServerEnvironment, uniqueTaskQueue } from '../support/temporal';
import { workflowRefsOf } from '../support/workflowStarts';
import { ensureTool } from '../../worker/engine/tools';

const codecWorkflows = workflowRefsOf<typeof import('../fixtures/codec-workflows')>();
const secret = Buffer.from(TEST_SECRET_KEY, 'base64');
const codec = new AesGcmPayloadCodec(payloadKeys([secret]));
const text = (value: string) => ({
  metadata: { encoding: new TextEncoder().encode('json/plain') },
  data: new TextEncoder().encode(JSON.stringify(value)),
});

const listen = async (env: Record<string, string> = {}) => {
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  registerCodecServer(app, {
    config: loadConfig(env, { dotenvPath: '/nonexistent' }),
    codec,
  } as unknown as IngressDeps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return { app, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
};

/** POST /codec/encode with `{}` and chosen headers (Host included, which fetch cannot set). */
function postRaw(url: string, headers: Record<string, string>): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${url}/codec/encode`,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
      },
    );
    request.on('error', reject);
    request.end('{}');
  });
}

describe('Temporal payload encryption (AES-256-GCM codec)', () => {
  it('round-trips, passes unencrypted payloads through, and refuses tampered or foreign ones', async () => {
    const [sealed] = await codec.encode([text('Jane Smith owes $650.00')]);
    expect(new TextDecoder().decode(sealed!.metadata!.encoding)).toBe('binary/encrypted');
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toContain('Jane Smith');
    const [opened] = await codec.decode([sealed!]);
    expect(JSON.parse(new TextDecoder().decode(opened!.data))).toBe('Jane Smith owes $650.00');
    expect(await codec.decode([text('plain')])).toEqual([text('plain')]);

    const tampered = { ...sealed!, data: Uint8Array.from(sealed!.data!, (b, i) => (i === 20 ? b ^ 1 : b)) };
    await expect(codec.decode([tampered])).rejects.toThrow();
    const stranger = new AesGcmPayloadCodec(payloadKeys([Buffer.alloc(32, 9)]));
    await expect(stranger.decode([sealed!])).rejects.toThrow(/unknown key/);
    // After a key rotation (new key first, old kept), old payloads still open.
    const rotated = new AesGcmPayloadCodec(payloadKeys([Buffer.alloc(32, 9), secret]));
    expect(JSON.parse(new TextDecoder().decode((await rotated.decode([sealed!]))[0]!.data))).toBe(
      'Jane Smith owes $650.00',
    );
  });

  describe('on a Temporal server', () => {
    let env: TestWorkflowEnvironment;
    beforeAll(async () => {
      env = await devServerEnvironment();
    });
    afterAll(async () => {
      await env?.teardown();
    });

    it('stores only ciphertext: the history holds no client data, yet client and worker read it', async () => {
      const taskQueue = uniqueTaskQueue('codec');
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        dataConverter: testDataConverter,
        workflowBundle: await bundle(require.resolve('../fixtures/foundation-workflows')),
      });
      const client = encryptingClient(env);
      const handle = await client.workflow.start(echo, {
        taskQueue,
        workflowId: `codec-${taskQueue}`,
        args: ['Jane Smith, 12 Elm St'],
      });
      expect(await worker.runUntil(handle.result())).toBe('received: Jane Smith, 12 Elm St');

      // What the server keeps, read without the key.
      const history = await env.client.workflow.getHandle(handle.workflowId).fetchHistory();
      const raw = JSON.stringify(history.events, (_k, v) =>
        v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v,
      );
      expect(raw).not.toContain('Jane Smith');
      const started = history.events!.find((e) => e.workflowExecutionStartedEventAttributes)!;
      const input = started.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
      expect(new TextDecoder().decode(input.metadata!.encoding!)).toBe('binary/encrypted');
    });

    it("keeps a failure's message and stack out of the history, yet the client reads them", async () => {
      const taskQueue = uniqueTaskQueue('codec-failure');
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        dataConverter: testDataConverter,
        workflowBundle: await bundle(require.resolve('../fixtures/foundation-workflows')),
        activities: {
          refuse: async (text: string) => {
            throw ApplicationFailure.nonRetryable(`card of ${text} declined`, 'Declined');
          },
        },
      });
      const client = encryptingClient(env);
      const handle = await client.workflow.start(failThroughStep, {
        taskQueue,
        workflowId: `codec-failure-${taskQueue}`,
        args: ['Jane Smith, 12 Elm St'],
      });
      // A workflow's own failure is converted inside the workflow bundle, not by the worker's data converter.
      const own = await client.workflow.start(failInWorkflow, {
        taskQueue,
        workflowId: `codec-own-failure-${taskQueue}`,
        args: ['Jane Smith, 12 Elm St'],
      });
      const rootMessages = await worker.runUntil(
        Promise.all(
          [handle, own].map((h) =>
            h.result().then(
              () => 'succeeded',
              (err: unknown) => {
                expect(err).toBeInstanceOf(WorkflowFailedError);
                let root: unknown = err;
                while (root instanceof Error && root.cause) root = root.cause;
                return (root as Error).message;
              },
            ),
          ),
        ),
      );
      expect(rootMessages).toEqual([
        'card of Jane Smith, 12 Elm St declined',
        'nothing to bill for Jane Smith, 12 Elm St',
      ]);

      for (const [h, type] of [
        [handle, 'Declined'],
        [own, 'NothingToBill'],
      ] as const) {
        const history = await env.client.workflow.getHandle(h.workflowId).fetchHistory();
        const raw = JSON.stringify(history.events, (_k, v) =>
          v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v,
        );
        expect(raw).toContain(type);
        expect(raw).not.toContain('Jane Smith');
        expect(raw).not.toMatch(/codec\.test|foundation-workflows/);
      }
    });
  });

  describe('the codec endpoint for the Web UI', () => {
    const asJson = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
      metadata: Object.fromEntries(
        Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
      data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
    });

    it('decodes for the UI on this machine, with CORS for the UI origin only', async () => {
      const { app, url } = await listen();
      try {
        const [sealed] = await codec.encode([text('Invoice 00001-Smith-1')]);
        const response = await fetch(`${url}/codec/decode`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:8233', 'x-namespace': 'default' },
          body: JSON.stringify({ payloads: [asJson(sealed!)] }),
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
        const decoded = ((await response.json()) as { payloads: Array<{ data: string }> }).payloads[0]!;
        expect(JSON.parse(Buffer.from(decoded.data, 'base64').toString('utf8'))).toBe('Invoice 00001-Smith-1');
        const preflight = await fetch(`${url}/codec/decode`, {
          method: 'OPTIONS',
          headers: { origin: 'http://evil.example' },
        });
        expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
        expect((await fetch(`${url}/codec/decode`, { method: 'POST', body: 'nope' })).status).toBe(400);
      } finally {
        await app.close();
      }
    });

    it('requires the bearer token when CODEC_ACCESS_TOKEN is set, and otherwise answers this machine only', async () => {
      const { app, url } = await listen({ CODEC_ACCESS_TOKEN: 'a-long-enough-token-123' });
      try {
        const post = (authorization?: string) =>
          fetch(`${url}/codec/encode`, {
            method: 'POST',
            headers: authorization ? { authorization } : {},
            body: JSON.stringify({ payloads: [] }),
          });
        expect((await post()).status).toBe(401);
        expect((await post('Bearer wrong-token-wrong-token')).status).toBe(401);
        expect((await post('Bearer a-long-enough-token-123')).status).toBe(200);
      } finally {
        await app.close();
      }
      expect(codecCallerAllowed('127.0.0.1', undefined, undefined)).toBe(true);
      expect(codecCallerAllowed('::1', undefined, undefined)).toBe(true);
      expect(codecCallerAllowed('203.0.113.9', undefined, undefined)).toBe(false);
    });
  });

  describe("the codec endpoint as Temporal's own clients call it", () => {
    let env: TestWorkflowEnvironment;
    let worker: Worker;
    let running: Promise<void>;
    const taskQueue = uniqueTaskQueue('codec-cli');
    const workflowId = `codec-cli-${taskQueue}`;
    beforeAll(async () => {
      env = await devServerEnvironment();
      worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        dataConverter: testDataConverter,
        workflowBundle: await bundle(require.resolve('../fixtures/codec-workflows')),
      });
      running = worker.run();
      await encryptingClient(env).workflow.start(codecWorkflows('holdNote'), {
        taskQueue,
        workflowId,
        args: ['Jane Smith owes $650.00'],
      });
    });
    afterAll(async () => {
      await encryptingClient(env)
        .workflow.getHandle(workflowId)
        .terminate()
        .catch(() => undefined);
      worker?.shutdown();
      await running?.catch(() => undefined);
      await env?.teardown();
    });

    /** `temporal workflow query` with the CLI `npm start` builds, pointed at the codec endpoint. */
    const queryWithCli = async (codecEndpoint: string, extra: string[] = []) => {
      const temporal = ensureTool('temporal-cli');
      try {
        const { stdout } = await promisify(execFile)(
          temporal,
          [
            'workflow',
            'query',
            '--address',
            process.env.TEST_TEMPORAL_ADDRESS!,
            '--namespace',
            'default',
            '--workflow-id',
            workflowId,
            '--name',
            'heldNote',
            '--codec-endpoint',
            codecEndpoint,
            ...extra,
          ],
          { timeout: 30_000 },
        );
        return { ok: true, output: stdout };
      } catch (err) {
        const failure = err as { stdout?: string; stderr?: string };
        return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
      }
    };

    it('decodes a query without arguments: the CLI sends `{}` for an empty payload list', async () => {
      const { app, url } = await listen();
      try {
        expect(await queryWithCli(`${url}/codec`)).toEqual({
          ok: true,
          output: expect.stringContaining('note: Jane Smith owes $650.00'),
        });
      } finally {
        await app.close();
      }
    });

    it('behind a public address: requires the token (the CLI passes it with --codec-auth) and refuses a foreign Host', async () => {
      const token = 'codec-token-0123456789abcdef';
      const open = await listen({ PUBLIC_BASE_URL: 'https://pay.firm.example' });
      const guarded = await listen({ PUBLIC_BASE_URL: 'https://pay.firm.example', CODEC_ACCESS_TOKEN: token });
      try {
        // A local caller is no longer trusted by its address alone: a TLS proxy on this host makes everyone local.
        expect((await postRaw(open.url, {})).status).toBe(401);
        expect((await postRaw(guarded.url, { authorization: `Bearer ${token}` })).status).toBe(200);
        expect(
          (await postRaw(guarded.url, { authorization: `Bearer ${token}`, host: 'pay.firm.example' })).status,
        ).toBe(200);
        expect(
          (await postRaw(guarded.url, { authorization: `Bearer ${token}`, host: 'rebound.attacker.example' })).status,
        ).toBe(421);
        expect(await queryWithCli(`${guarded.url}/codec`, ['--codec-auth', `Bearer ${token}`])).toEqual({
          ok: true,
          output: expect.stringContaining('note: Jane Smith owes $650.00'),
        });
        expect((await queryWithCli(`${guarded.url}/codec`)).ok).toBe(false);
      } finally {
        await open.app.close();
        await guarded.app.close();
      }
    });

    it('on this machine only: refuses a page that rebinds its own name to 127.0.0.1 (a foreign Host header)', async () => {
      const { app, url } = await listen();
      try {
        expect((await postRaw(url, {})).status).toBe(200);
        expect(
          (
            await postRaw(url, {
              host: `rebound.attacker.example:${new URL(url).port}`,
              origin: 'http://rebound.attacker.example',
            })
          ).status,
        ).toBe(421);
      } finally {
        await app.close();
      }
    });
  });
});
