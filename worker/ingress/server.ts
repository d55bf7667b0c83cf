import Fastify, { type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../../store/db';
import type { SecretBox } from '../../store/encryption';
import type { FirmRegistry } from '../firms';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { PayloadCodec } from '@temporalio/common';
import { registerClioWebhook } from './clioWebhook';
import { registerCodecServer } from './codecServer';
import { registerHealthRoutes } from './health';
import { registerClioOAuth } from './oauth';
import { registerPayLinks } from './payLinks';
import { registerPaymentWebhooks } from './paymentWebhooks';

export interface IngressDeps {
  config: Config;
  temporal: Client;
  db: Db;
  logger: Logger;
  metrics: Metrics;
  firms: FirmRegistry;
  box: SecretBox;
  /** Signs OAuth `state`; derived from the secret key. */
  stateKey: Buffer;
  /** The Temporal payload codec, served to the Web UI at /codec when payloads are encrypted. */
  codec?: PayloadCodec;
}

/**
 * The HTTP edge (DESIGN §7): webhooks in, pay links out, health for orchestrators. Request bodies are kept raw
 * (Buffer) because webhook signatures are computed over the exact bytes the sender signed.
 */
export async function buildIngress(deps: IngressDeps): Promise<FastifyInstance> {
  // Fastify's own per-request logging is off: the routes log what matters (webhook outcomes), without bodies.
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  const log = deps.logger.child({ component: 'ingress' });
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const statusCode = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (statusCode >= 500) log.error({ err: err.message, url: req.url }, 'request failed');
    void reply.code(statusCode).send({ error: statusCode >= 500 ? 'internal error' : err.message });
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  registerHealthRoutes(app, deps);
  registerClioWebhook(app, deps);
  registerClioOAuth(app, deps);
  registerPayLinks(app, deps);
  registerPaymentWebhooks(app, deps);
  registerCodecServer(app, deps);
  return app;
}

export async function startIngress(deps: IngressDeps): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildIngress(deps);
  await app.listen({ host: deps.config.INGRESS_HOST, port: deps.config.INGRESS_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : deps.config.INGRESS_PORT;
  return { app, url: `http://${deps.config.INGRESS_HOST}:${port}` };
}
