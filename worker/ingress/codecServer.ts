import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import type { IngressDeps } from './server';

/** With a token configured, the bearer token must match; without one, only callers on this machine. */
export function codecCallerAllowed(remoteAddress: string | undefined, authorization: string | undefined, token: string | undefined): boolean {
  if (!token) return ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(remoteAddress ?? '');
  const given = Buffer.from(String(authorization ?? '').replace(/^Bearer\s+/i, ''));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const payloadsSchema = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).default({}), data: z.string().default('') })),
});

/**
 * The codec endpoint (POST /codec/encode, /codec/decode) the Temporal Web UI calls to show encrypted payloads to
 * an admin. With CODEC_ACCESS_TOKEN unset it answers callers on this machine only; otherwise the bearer token is
 * required (set TEMPORAL_CODEC_PASS_ACCESS_TOKEN on the UI, or put an authenticating proxy in front).
 */
export function registerCodecServer(app: FastifyInstance, deps: IngressDeps): void {
  const codec = deps.codec;
  if (!codec) return;
  const allowedOrigins = new Set(deps.config.temporalUiOrigins);

  const cors = (req: FastifyRequest, reply: FastifyReply) => {
    const origin = req.headers.origin;
    if (origin && allowedOrigins.has(origin)) {
      reply.header('Access-Control-Allow-Origin', origin).header('Vary', 'Origin')
        .header('Access-Control-Allow-Methods', 'POST, OPTIONS')
        .header('Access-Control-Allow-Headers', 'content-type, x-namespace, authorization')
        .header('Access-Control-Allow-Credentials', 'true');
    }
  };

  const authorized = (req: FastifyRequest) =>
    codecCallerAllowed(req.socket.remoteAddress, req.headers.authorization, deps.config.CODEC_ACCESS_TOKEN);

  for (const direction of ['encode', 'decode'] as const) {
    app.options(`/codec/${direction}`, async (req, reply) => {
      cors(req, reply);
      return reply.code(204).send();
    });
    app.post(`/codec/${direction}`, async (req, reply) => {
      cors(req, reply);
      if (!authorized(req)) return reply.code(401).send({ error: 'not authorised to use the codec' });
      let body: z.output<typeof payloadsSchema>;
      try {
        body = payloadsSchema.parse(JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '{}'));
      } catch {
        return reply.code(400).send({ error: 'expected {"payloads":[{"metadata":{…base64},"data":base64}]}' });
      }
      const payloads: Payload[] = body.payloads.map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
        data: new Uint8Array(Buffer.from(p.data, 'base64')),
      }));
      try {
        const result = direction === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
        return reply.send({
          payloads: result.map((p) => ({
            metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
            data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
          })),
        });
      } catch (err) {
        return reply.code(400).send({ error: (err as Error).message });
      }
    });
  }
}
