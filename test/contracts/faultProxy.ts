/**
 * A small HTTP fault proxy for the contract suites: forwards to a real peer (a sandbox, stripe-mock) and, when told,
 * answers in its place: a 429 with Retry-After, a 5xx, a body of the wrong shape, pages the peer cannot make, or
 * no answer at all (a timeout). It records when each request arrived, so a suite can tell whether a connector
 * waited as long as it was asked to.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  arrivedAt: number;
}

export type FaultReply = { status: number; headers?: Record<string, string>; body: unknown } | 'hang';
export type FaultRule = (request: ProxiedRequest) => FaultReply | undefined;

export interface FaultProxy {
  url: string;
  host: string;
  port: number;
  requests: ProxiedRequest[];
  /** Answer matching requests with `rule` (undefined: forward); `times` bounds how many it answers. */
  inject(rule: FaultRule, times?: number): void;
  clear(): void;
  stop(): Promise<void>;
}

/**
 * `idempotencyHeader`: replay the first answer to a repeated write with the same key, as Stripe does (stripe-mock,
 * being stateless, cannot).
 */
export async function startFaultProxy(
  target: string,
  options: { idempotencyHeader?: string } = {},
): Promise<FaultProxy> {
  const upstream = new URL(target);
  const replays = new Map<string, { status: number; headers: http.IncomingHttpHeaders; body: Buffer }>();
  const requests: ProxiedRequest[] = [];
  let rule: FaultRule | null = null;
  let remaining = Infinity;
  const hung = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://proxy');
      const recorded: ProxiedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: body.toString('utf8'),
        arrivedAt: Date.now(),
      };
      requests.push(recorded);
      const reply = remaining > 0 ? rule?.(recorded) : undefined;
      if (reply) {
        remaining -= 1;
        if (reply === 'hang') {
          hung.add(res);
          return;
        }
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
        return;
      }
      const key =
        options.idempotencyHeader && req.method === 'POST'
          ? req.headers[options.idempotencyHeader.toLowerCase()]
          : undefined;
      const replayKey = typeof key === 'string' ? `${url.pathname} ${key}` : null;
      const replay = replayKey ? replays.get(replayKey) : undefined;
      if (replay) {
        res.writeHead(replay.status, replay.headers);
        res.end(replay.body);
        return;
      }
      const forwarded = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (up) => {
          const parts: Buffer[] = [];
          up.on('data', (c: Buffer) => parts.push(c));
          up.on('end', () => {
            const answer = { status: up.statusCode ?? 502, headers: up.headers, body: Buffer.concat(parts) };
            if (replayKey) replays.set(replayKey, answer);
            res.writeHead(answer.status, answer.headers);
            res.end(answer.body);
          });
        },
      );
      forwarded.on('error', (err) => {
        res.writeHead(502);
        res.end(String(err));
      });
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    requests,
    inject(next, times = Infinity) {
      rule = next;
      remaining = times;
    },
    clear() {
      rule = null;
      remaining = Infinity;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const res of hung) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
