/**
 * stripe-mock for tests: one process per test file on ports the system picks, plus an optional recording proxy,
 * because stripe-mock is stateless and echoes little — a test that wants to know what was *sent* (headers such as
 * Stripe-Account and Idempotency-Key, the form body) reads it from the proxy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureTool } from '../../worker/engine/tools';

export interface StripeMock {
  host: string;
  port: number;
  stop(): Promise<void>;
}

const LISTENING = /Listening for HTTP at address: (\S+):(\d+)/;

async function waitUntilAnswering(host: string, port: number, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get(
        { host, port, path: '/v1/balance', headers: { Authorization: 'Bearer sk_test_123' } },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        },
      );
      req.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`stripe-mock on ${host}:${port} did not answer in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts stripe-mock on 127.0.0.1 with HTTP and HTTPS on system-chosen ports (so files can run in parallel). */
export async function startStripeMock(timeoutMs = 30_000): Promise<StripeMock> {
  const binary = ensureTool('stripe-mock');
  const child = spawn(binary, ['-http-addr', '127.0.0.1:', '-https-addr', '127.0.0.1:'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const address = await new Promise<{ host: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`stripe-mock did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = LISTENING.exec(output);
      if (match?.[1] && match[2]) {
        clearTimeout(timer);
        resolve({ host: match[1], port: Number(match[2]) });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stripe-mock exited with ${code}:\n${output}`));
    });
  });
  // Keep draining its (verbose) output so the pipe never fills up.
  child.stdout?.resume();
  child.stderr?.resume();
  try {
    await waitUntilAnswering(address.host, address.port, Date.now() + timeoutMs);
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
  return { ...address, stop: () => stopProcess(child) };
}

export interface RecordedRequest {
  method: string;
  /** Path with its query string, as sent. */
  url: string;
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as application/x-www-form-urlencoded (how the Stripe SDK sends parameters). */
  form: URLSearchParams;
}

export interface RecordingProxy {
  host: string;
  port: number;
  requests: RecordedRequest[];
  /** Answer matching requests here instead of forwarding them (e.g. to simulate a 429 stripe-mock cannot). */
  respondWith(
    handler:
      | ((req: RecordedRequest) => { status: number; headers?: Record<string, string>; body: unknown } | undefined)
      | null,
  ): void;
  stop(): Promise<void>;
}

/** An HTTP proxy in front of `target` that records every request before forwarding it unchanged. */
export async function startRecordingProxy(target: { host: string; port: number }): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  let override: Parameters<RecordingProxy['respondWith']>[0] = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://proxy');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: body.toString('utf8'),
        form: new URLSearchParams(body.toString('utf8')),
      };
      requests.push(recorded);
      const canned = override?.(recorded);
      if (canned) {
        res.writeHead(canned.status, { 'content-type': 'application/json', ...canned.headers });
        res.end(JSON.stringify(canned.body));
        return;
      }
      const upstream = http.request(
        {
          host: target.host,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: `${target.host}:${target.port}` },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', (err) => {
        res.writeHead(502);
        res.end(String(err));
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    requests,
    respondWith(handler) {
      override = handler;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
