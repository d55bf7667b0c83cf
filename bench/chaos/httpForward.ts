import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Forwarded {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface BufferedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export function readRequest(req: http.IncomingMessage): Promise<BufferedRequest> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () =>
      resolve({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) }),
    );
    req.on('error', reject);
  });
}

/** Sends a buffered request on to `target` (http://host:port), byte for byte, and buffers the answer. */
export function forward(target: string, request: BufferedRequest, timeoutMs = 60_000): Promise<Forwarded> {
  const upstream = new URL(target);
  return new Promise((resolve, reject) => {
    const headers = { ...request.headers, host: upstream.host, 'content-length': String(request.body.length) };
    delete headers.connection;
    const outgoing = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('upstream timed out')));
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

export function reply(res: http.ServerResponse, answer: Forwarded): void {
  const headers = { ...answer.headers };
  delete headers['transfer-encoding'];
  delete headers.connection;
  headers['content-length'] = String(answer.body.length);
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

export async function listen(
  handler: http.RequestListener,
  port = 0,
): Promise<{ server: http.Server; url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
