import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import { bearerMatches } from './bearer';
import { isLoopbackUrl } from './loopback';
import type { IngressDeps } from './server';

const LOOPBACK_ADDRESSES = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];

/**
 * With a token configured, the bearer token must match. Without one, only callers on this machine, and only while
 * the ingress is not published: behind a TLS proxy on the same host every internet caller arrives from 127.0.0.1.
 */
export function codecCallerAllowed(
  remoteAddress: string | undefined,
  authorization: string | undefined,
  token: string | undefined,
  published = false,
): boolean {
  if (token) return bearerMatches(authorization, token);
  return !published && LOOPBACK_ADDRESSES.includes(remoteAddress ?? '');
}

/**
 * A browser page from another site can rebind its own name to 127.0.0.1 (DNS rebinding); its requests still name
 * that site in Host. Only this machine's names and the published host may be addressed.
 */
export function codecHostAllowed(host: string | undefined, publicBaseUrl: string): boolean {
  if (!host) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return false;
  }
  return ['127.0.0.1', 'localhost', '[::1]'].includes(hostname) || hostname === new URL(publicBaseUrl).hostname;
}

// Protobuf JSON leaves out an empty list: Temporal's CLI encodes a query without arguments as `{}`.
const payloadsSchema = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), z.string()).default({}), data: z.string().default('') }))
    .default([]),
});

/**
 * The codec endpoint (POST /codec/encode, /codec/decode) the Temporal Web UI and CLI call to show encrypted
 * payloads to an admin. With CODEC_ACCESS_TOKEN unset it answers callers on this machine only, and nobody once
 * PUBLIC_BASE_URL is not a loopback address; otherwise the bearer token is required (TEMPORAL_CODEC_PASS_ACCESS_TOKEN
 * on the UI, `--codec-auth` on the CLI). Requests naming a foreign Host are refused (421) either way.
 */
export function registerCodecServer(app: FastifyInstance, deps: IngressDeps): void {
  const codec = deps.codec;
  if (!codec) return;
  const allowedOrigins = new Set(deps.config.temporalUiOrigins);

  const cors = (req: FastifyRequest, reply: FastifyReply) => {
    const origin = req.headers.origin;
    if (origin && allowedOrigins.has(origin)) {
      reply
        .header('Access-Control-Allow-Origin', origin)
        .header('Vary', 'Origin')
        .header('Access-Control-Allow-Methods', 'POST, OPTIONS')
        .header('Access-Control-Allow-Headers', 'content-type, x-namespace, authorization')
        .header('Access-Control-Allow-Credentials', 'true');
    }
  };

  const published = !isLoopbackUrl(deps.config.publicBaseUrl);
  if (published && !deps.config.CODEC_ACCESS_TOKEN) {
    deps.logger?.warn(
      'the codec endpoint refuses every caller: PUBLIC_BASE_URL is public, so set CODEC_ACCESS_TOKEN to use it',
    );
  }
  const authorized = (req: FastifyRequest) =>
    codecCallerAllowed(req.socket.remoteAddress, req.headers.authorization, deps.config.CODEC_ACCESS_TOKEN, published);

  for (const direction of ['encode', 'decode'] as const) {
    app.options(`/codec/${direction}`, async (req, reply) => {
      cors(req, reply);
      return reply.code(204).send();
    });
    app.post(`/codec/${direction}`, async (req, reply) => {
      cors(req, reply);
      if (!codecHostAllowed(req.headers.host, deps.config.publicBaseUrl))
        return reply.code(421).send({ error: 'this host name is not served here' });
      if (!authorized(req)) return reply.code(401).send({ error: 'not authorised to use the codec' });
      let body: z.output<typeof payloadsSchema>;
      try {
        const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
        body = payloadsSchema.parse(JSON.parse(text.trim() === '' ? '{}' : text));
      } catch {
        return reply.code(400).send({ error: 'expected {"payloads":[{"metadata":{…base64},"data":base64}]}' });
      }
      const payloads: Payload[] = body.payloads.map((p) => ({
        metadata: Object.fromEntries(
          Object.entries(p.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
        ),
        data: new Uint8Array(Buffer.from(p.data, 'base64')),
      }));
      try {
        const result = direction === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
        return reply.send({
          payloads: result.map((p) => ({
            metadata: Object.fromEntries(
              Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
            ),
            data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
          })),
        });
      } catch (err) {
        return reply.code(400).send({ error: (err as Error).message });
      }
    });
  }
}
