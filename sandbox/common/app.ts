import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { SandboxHttpError } from './httpError';

export interface SandboxAppOptions {
  /** Turns a status and message into the vendor's error body (Clio and LawPay differ). */
  errorBody: (statusCode: number, message: string) => unknown;
  /** Maps an incoming URL before routing (Clio strips the optional `.json`). */
  rewriteUrl?: (url: string) => string;
}

const rawBodies = new WeakMap<FastifyRequest, Buffer>();

/** The exact bytes a request carried, for routes that must see more than the parsed body. */
export function rawBodyOf(request: FastifyRequest): Buffer | undefined {
  return rawBodies.get(request);
}

/**
 * A fastify instance with the body parsers both sandboxes need: JSON (an empty body is allowed, so a bare
 * `POST /__sandbox/reset` works) and HTML-form bodies, both keeping the raw bytes.
 */
export function createSandboxApp(options: SandboxAppOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    rewriteUrl: options.rewriteUrl ? (request) => options.rewriteUrl!(request.url ?? '/') : undefined,
  });

  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    rawBodies.set(request, body);
    const text = body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(new SandboxHttpError(400, options.errorBody(400, 'The request body is not valid JSON')), undefined);
    }
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer' },
    (request, body: Buffer, done) => {
      rawBodies.set(request, body);
      done(null, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    },
  );

  app.setErrorHandler((error: unknown, _request, reply) => {
    if (error instanceof SandboxHttpError) {
      void reply.code(error.statusCode).headers(error.headers).send(error.body);
      return;
    }
    const statusCode =
      typeof (error as { statusCode?: unknown }).statusCode === 'number'
        ? (error as { statusCode: number }).statusCode
        : 500;
    const message =
      statusCode >= 500 ? 'Internal server error' : error instanceof Error ? error.message : String(error);
    void reply.code(statusCode).send(options.errorBody(statusCode, message));
  });
  return app;
}

/** Listens and returns the base URL (`http://host:port`), resolving port 0 to the real one. */
export async function listen(app: FastifyInstance, host: string, port: number): Promise<{ url: string; port: number }> {
  await app.listen({ host, port });
  const address = app.server.address() as AddressInfo;
  const printableHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${printableHost}:${address.port}`, port: address.port };
}

/** The base URL a client used to reach us, for building absolute `next` links. */
export function requestBaseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
