import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../../store/db';
import type { SecretBox } from '../../store/encryption';
import type { FirmRegistry } from '../firms';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { PayloadCodec } from '@temporalio/common';
import { registerPracticeWebhooks } from './practiceWebhooks';
import { registerCodecServer } from './codecServer';
import { registerHealthRoutes } from './health';
import { isLoopbackUrl } from './loopback';
import { registerClioOAuth } from './oauth';
import { registerPayLinks } from './payLinks';
import { registerPaymentWebhooks } from './paymentWebhooks';
import { watchVendorQueues } from './vendorQueueMetrics';

export interface IngressDeps {
  config: Config;
  temporal: Client;
  db: Db;
  logger: Logger;
  metrics: Metrics;
  firms: FirmRegistry;
  box: SecretBox;
  /** The Temporal payload codec, served to the Web UI at /codec when payloads are encrypted. */
  codec?: PayloadCodec;
}

/** Seconds a shed request is asked to wait (under-pressure's 503). */
const SHED_RETRY_AFTER_SECONDS = 10;

/**
 * The HTTP edge (docs/architecture.md §7): webhooks in, pay links out, health for orchestrators. Request bodies are kept raw
 * (Buffer) because webhook signatures are computed over the exact bytes the sender signed.
 *
 * It faces the internet, so (issue 10): every request must arrive within the configured timeouts; each webhook
 * route is rate-limited per firm and each page per client address (429 + Retry-After); an overloaded process sheds
 * load (503 + Retry-After); every response carries helmet's security headers (they matter for the HTML pages: pay
 * links and the OAuth pages); and a failure is logged by route, never with the URL, which can carry a pay-link token
 * or an OAuth code.
 */
export async function buildIngress(deps: IngressDeps): Promise<FastifyInstance> {
  const { config } = deps;
  // Fastify's own per-request logging is off: the routes log what matters (webhook outcomes), without bodies.
  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    requestTimeout: config.INGRESS_REQUEST_TIMEOUT,
    // Behind a TLS proxy every client arrives from the proxy: trust its X-Forwarded-For so limits stay per client.
    trustProxy: config.INGRESS_TRUST_PROXY ?? false,
    connectionTimeout: config.INGRESS_IDLE_TIMEOUT,
    // Node checks these timeouts on a timer; check often enough that a slow sender is cut off near its deadline.
    http: {
      headersTimeout: config.INGRESS_HEADERS_TIMEOUT,
      connectionsCheckingInterval: Math.min(1_000, config.INGRESS_HEADERS_TIMEOUT),
    },
  });
  const log = deps.logger.child({ component: 'ingress' });
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const statusCode = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (statusCode >= 500)
      log.error({ err: err.message, method: req.method, route: req.routeOptions.url ?? 'unmatched' }, 'request failed');
    void reply.code(statusCode).send({ error: statusCode >= 500 ? 'internal error' : err.message });
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  await app.register(underPressure, {
    maxEventLoopDelay: config.INGRESS_MAX_EVENT_LOOP_DELAY,
    retryAfter: SHED_RETRY_AFTER_SECONDS,
    // Health checks must see the truth even under load: an orchestrator reads /readyz itself.
    // (Sending from here ends the request: Fastify skips the route once the reply is sent.)
    pressureHandler: (req, reply) => {
      if (req.url === '/healthz' || req.url === '/readyz') return;
      deps.metrics.requestsShed.inc();
      void reply
        .code(503)
        .header('Retry-After', String(SHED_RETRY_AFTER_SECONDS))
        .send({ error: 'the ingress is overloaded; please retry' });
    },
  });
  // Before the rate-limit plugin, so its own onRoute hook sees the limits this one attaches.
  app.addHook('onRoute', (route) => {
    const limit = routeRateLimit(route.url, deps);
    if (limit) route.config = { ...(route.config as object | undefined), rateLimit: limit };
  });
  await app.register(rateLimit, { global: false });
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        // The pay page's button posts to matterpay, which redirects to the processor's checkout (https).
        formAction: [
          "'self'",
          'https:',
          ...(isLoopbackUrl(config.publicBaseUrl) ? ['http://127.0.0.1:*', 'http://localhost:*'] : []),
        ],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    // The Temporal Web UI reads the codec endpoint from another origin (CORS); resources are not shared otherwise.
    crossOriginResourcePolicy: { policy: 'same-site' },
  });

  registerHealthRoutes(app, deps);
  registerPracticeWebhooks(app, deps);
  registerClioOAuth(app, deps);
  registerPayLinks(app, deps);
  registerPaymentWebhooks(app, deps);
  registerCodecServer(app, deps);
  watchVendorQueues(deps);
  return app;
}

/**
 * A webhook whose signature the ingress checks itself (Stripe's, Clio's: an HMAC, no vendor call) is limited per firm
 * and sender address, so an outsider's flood of forged signatures spends only its own allowance and never shuts out
 * the vendor's signed deliveries (behind a reverse proxy, INGRESS_TRUST_PROXY makes the address the sender's). A
 * webhook that is only a hint (LawPay signs nothing: each costs a read of the firm's LawPay budget) is limited per
 * firm, since that budget is what a flood spends, from however many addresses; the sweep finds what a flood pushes
 * out. Each page is limited per client address. Attached by URL, so every route added later is covered.
 */
const SIGNED_WEBHOOKS = new Set(['/webhooks/stripe', '/webhooks/clio']);

/**
 * The sender a webhook limit counts: an IPv4 address, or an IPv6 address's /64 (one host is commonly given a whole
 * /64, so counting addresses there would give one sender endless allowances).
 */
export function senderNetwork(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => (g || '0').toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

function routeRateLimit(url: string, deps: IngressDeps) {
  const { config } = deps;
  const firmOf = (req: FastifyRequest) => {
    const firm = (req.query as { firm?: unknown } | undefined)?.firm;
    if (typeof firm !== 'string') return config.FIRM_ID;
    // A made-up firm shares one bucket: varying ?firm= must not buy a fresh allowance.
    return deps.firms.ids().includes(firm) ? firm : 'unknown-firm';
  };
  if (url.startsWith('/webhooks/')) {
    return {
      max: config.WEBHOOK_RATE_LIMIT.max,
      timeWindow: config.WEBHOOK_RATE_LIMIT.windowMs,
      keyGenerator: SIGNED_WEBHOOKS.has(url)
        ? (req: FastifyRequest) => `${url}|${firmOf(req)}|${senderNetwork(req.ip)}`
        : (req: FastifyRequest) => `${url}|${firmOf(req)}`,
    };
  }
  if (url.startsWith('/pay/') || url.startsWith('/oauth/')) {
    return {
      max: config.PAGE_RATE_LIMIT.max,
      timeWindow: config.PAGE_RATE_LIMIT.windowMs,
      keyGenerator: (req: FastifyRequest) => `${url}|${req.ip}`,
    };
  }
  return null;
}

export async function startIngress(deps: IngressDeps): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildIngress(deps);
  await app.listen({ host: deps.config.INGRESS_HOST, port: deps.config.INGRESS_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : deps.config.INGRESS_PORT;
  return { app, url: `http://${deps.config.INGRESS_HOST}:${port}` };
}
