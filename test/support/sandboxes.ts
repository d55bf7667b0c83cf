/**
 * Shared set-up for the connector tests: the in-process Clio and LawPay sandboxes (real HTTP on port 0), a Clio
 * connector connected through the real OAuth authorization-code flow with an in-memory token store, a server-side
 * log of every request the sandbox received, and tiny local HTTP servers for webhook receivers and stub vendors.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ClioTokenManager,
  clioAuthorizeUrl,
  createClioConnector,
  exchangeClioCode,
  type ClioOAuthClient,
  type ClioTokens,
  type ClioTokenStore,
} from '../../connectors/clio';
import type { HeaderDrivenRateLimiter } from '../../connectors/shared/rateLimiter';
import {
  startClioSandbox,
  startLawPaySandbox,
  type ClioSandboxHandle,
  type ClioSandboxOptions,
  type LawPaySandboxHandle,
  type LawPaySandboxOptions,
} from '../../sandbox';

/** A token store that keeps everything in memory and remembers every save (one save = one token-endpoint call). */
export class MemoryTokenStore implements ClioTokenStore {
  readonly saves: ClioTokens[] = [];

  constructor(private tokens: ClioTokens | null = null) {}

  async load(): Promise<ClioTokens | null> {
    return this.tokens ? { ...this.tokens } : null;
  }

  async save(tokens: ClioTokens): Promise<void> {
    this.tokens = { ...tokens };
    this.saves.push({ ...tokens });
  }

  /** Test hook: what the store holds now, e.g. to move `expiresAt`. */
  set(tokens: ClioTokens): void {
    this.tokens = { ...tokens };
  }
}

/** One request as the server saw it on the wire, with the status it answered. */
export interface ServerRequest {
  method: string;
  /** Path and query, as sent (e.g. `/api/v4/matters.json?fields=…`). */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  receivedAt: number;
  status: number | null;
}

/**
 * Records every request a running Node HTTP server receives, from the raw `request` event (before any routing),
 * so a test can see exactly which query parameters and headers a connector sent.
 */
export function recordRequests(server: http.Server): ServerRequest[] {
  const log: ServerRequest[] = [];
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = req.url ?? '/';
    const parsed = new URL(url, 'http://sandbox.invalid');
    const entry: ServerRequest = {
      method: req.method ?? '',
      url,
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: req.headers,
      receivedAt: Date.now(),
      status: null,
    };
    log.push(entry);
    res.once('finish', () => {
      entry.status = res.statusCode;
    });
  });
  return log;
}

export const CLIO_CLIENT_ID = 'sandbox-client-id';
export const CLIO_CLIENT_SECRET = 'sandbox-client-secret';
export const CLIO_REDIRECT_URI = 'http://127.0.0.1:8787/oauth/clio/callback';

/**
 * The real authorization-code grant against the sandbox: build the authorize URL, follow it like a browser that
 * stops at the redirect, take the code from the callback URL, trade it for tokens.
 */
export async function connectClio(oauth: ClioOAuthClient, redirectUri = CLIO_REDIRECT_URI): Promise<ClioTokens> {
  const state = `state-${Math.random().toString(36).slice(2)}`;
  const authorize = await fetch(clioAuthorizeUrl(oauth, redirectUri, state), { redirect: 'manual' });
  if (authorize.status !== 302) throw new Error(`authorize answered ${authorize.status}: ${await authorize.text()}`);
  const callback = new URL(authorize.headers.get('location') ?? '');
  if (callback.searchParams.get('state') !== state) throw new Error(`callback state mismatch: ${callback.toString()}`);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in callback ${callback.toString()}`);
  return exchangeClioCode(oauth, code, redirectUri);
}

export interface SandboxedClio {
  sandbox: ClioSandboxHandle;
  oauth: ClioOAuthClient;
  store: MemoryTokenStore;
  tokens: ClioTokenManager;
  connector: ReturnType<typeof createClioConnector>;
  /** Every request the sandbox received (API, OAuth and control routes). */
  serverLog: ServerRequest[];
  /** Every request the connector sent, from its `onRequest` hook. */
  clientLog: Array<{ method: string; path: string }>;
  /** Only the `/api/v4` requests of `serverLog`. */
  apiRequests(): ServerRequest[];
  /** A second connector on the same connection and token store (e.g. with its own limiter settings). */
  newConnector(options?: {
    maxRateLimitWaits?: number;
    limiter?: HeaderDrivenRateLimiter;
  }): ReturnType<typeof createClioConnector>;
  post<T = unknown>(path: string, body?: unknown, method?: string): Promise<T>;
  state<T = ClioStateSnapshot>(): Promise<T>;
  close(): Promise<void>;
}

/** The parts of `GET /__sandbox/state` the connector tests read. */
export interface ClioStateSnapshot {
  matters: Array<{
    id: number;
    display_number: string;
    client_reference: string | null;
    trust_balance_cents: number;
    custom_fields: Record<string, unknown>;
  }>;
  notes: Array<{ id: number; matter_id: number | null; subject: string; detail: string | null; date: string }>;
  custom_fields: Array<{ id: number; name: string; parent_type: string; field_type: string }>;
  custom_field_values: Array<{
    matter_id: number;
    id: string;
    custom_field_id: number;
    field_name: string | null;
    value: unknown;
  }>;
  webhooks: Array<{ id: number; status: string; shared_secret: string }>;
  tokens: { access_tokens: number; live_access_tokens: number; refresh_tokens: number };
  request_counts: Record<string, number>;
}

async function controlCall<T>(baseUrl: string, path: string, body: unknown, method: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/**
 * A Clio sandbox on a free port and a connector connected to it through the real OAuth flow, with an in-memory
 * token store. The OAuth exchange is the store's first save.
 */
export async function startSandboxedClio(
  options: ClioSandboxOptions & { maxRateLimitWaits?: number } = {},
): Promise<SandboxedClio> {
  const { maxRateLimitWaits, ...sandboxOptions } = options;
  const sandbox = await startClioSandbox({ webhookRetryBaseMs: 50, ...sandboxOptions, port: 0 });
  const serverLog = recordRequests(sandbox.app.server);
  const oauth: ClioOAuthClient = { clientId: CLIO_CLIENT_ID, clientSecret: CLIO_CLIENT_SECRET, baseUrl: sandbox.url };
  const store = new MemoryTokenStore();
  await store.save(await connectClio(oauth));
  const tokens = new ClioTokenManager(oauth, store);
  const clientLog: Array<{ method: string; path: string }> = [];
  const limiters: HeaderDrivenRateLimiter[] = [];
  const newConnector = (extra: { maxRateLimitWaits?: number; limiter?: HeaderDrivenRateLimiter } = {}) => {
    const connector = createClioConnector({
      baseUrl: sandbox.url,
      tokens,
      maxRateLimitWaits: extra.maxRateLimitWaits ?? maxRateLimitWaits,
      limiter: extra.limiter,
      onRequest: (method, path) => clientLog.push({ method, path }),
    });
    limiters.push(connector.limiter);
    return connector;
  };
  const connector = newConnector();
  const post = <T = unknown>(path: string, body?: unknown, method = 'POST') =>
    controlCall<T>(sandbox.url, path, body ?? {}, method);
  return {
    sandbox,
    oauth,
    store,
    tokens,
    connector,
    serverLog,
    clientLog,
    apiRequests: () => serverLog.filter((request) => request.path.startsWith('/api/v4/')),
    newConnector,
    post,
    state: <T = ClioStateSnapshot>() => controlCall<T>(sandbox.url, '/__sandbox/state', undefined, 'GET'),
    close: async () => {
      // A limiter may have been stopped by its test already; Bottleneck refuses a second stop.
      await Promise.all(limiters.map((limiter) => limiter.stop().catch(() => undefined)));
      await sandbox.close();
    },
  };
}

export interface NewClioMatter {
  description?: string;
  client?: { name: string; email?: string | null };
  billing_method?: 'hourly' | 'flat' | 'contingency';
  flat_fee_cents?: number;
  billing_day?: number;
  trust_balance_cents?: number;
  client_reference?: string;
}

export function createClioMatter(
  clio: SandboxedClio,
  input: NewClioMatter = {},
): Promise<{ id: number; display_number: string; client_id: number }> {
  return clio.post('/__sandbox/matters', {
    description: 'Estate planning',
    client: { name: 'Ada Lovelace', email: 'ada@example.com' },
    billing_method: 'hourly',
    ...input,
  });
}

export function createClioActivity(
  clio: SandboxedClio,
  input: {
    matter_id: number;
    hours: number;
    rate_cents: number;
    note?: string;
    non_billable?: boolean;
    draft?: boolean;
    date?: string;
  },
): Promise<{ id: number; total_cents: number; draft: boolean }> {
  return clio.post('/__sandbox/activities', input);
}

export interface SandboxedLawPay {
  sandbox: LawPaySandboxHandle;
  serverLog: ServerRequest[];
  post<T = unknown>(path: string, body?: unknown): Promise<T>;
  state<T = LawPayStateSnapshot>(): Promise<T>;
  close(): Promise<void>;
}

export interface LawPayStateSnapshot {
  merchant: { merchant_accounts: Array<{ id: string; name: string; trust_account: boolean }> };
  transactions: Array<{
    id: string;
    type: string;
    status: string;
    amount: number;
    reference: string | null;
    account_id: string;
    charge_id?: string;
  }>;
  events: Array<{ id: string; type: string; data: { id: string } }>;
  request_counts: Record<string, number>;
}

export async function startSandboxedLawPay(options: LawPaySandboxOptions = {}): Promise<SandboxedLawPay> {
  const sandbox = await startLawPaySandbox({ webhookRetryBaseMs: 50, ...options, port: 0 });
  const serverLog = recordRequests(sandbox.app.server);
  return {
    sandbox,
    serverLog,
    post: <T = unknown>(path: string, body?: unknown) => controlCall<T>(sandbox.url, path, body ?? {}, 'POST'),
    state: <T = LawPayStateSnapshot>() => controlCall<T>(sandbox.url, '/__sandbox/state', undefined, 'GET'),
    close: () => sandbox.close(),
  };
}

/** One request a stub server received, with its exact body bytes. */
export interface StubRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawBody: Buffer;
  receivedAt: number;
}

export interface StubReply {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer as is. */
  body?: unknown;
}

export interface StubServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

/**
 * A tiny local HTTP server that answers every request with whatever `reply` says: a stand-in vendor that returns
 * exactly the shape or status a test needs, or a webhook receiver.
 */
export async function startStubServer(
  reply: (request: StubRequest) => StubReply | Promise<StubReply>,
): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: StubRequest = {
        method: req.method ?? '',
        url: req.url ?? '/',
        headers: req.headers,
        rawBody: Buffer.concat(chunks),
        receivedAt: Date.now(),
      };
      requests.push(request);
      void Promise.resolve(reply(request)).then(
        (plan) => {
          const isJson = plan.body !== undefined && typeof plan.body !== 'string' && !Buffer.isBuffer(plan.body);
          const body =
            plan.body === undefined ? '' : isJson ? JSON.stringify(plan.body) : (plan.body as string | Buffer);
          res.writeHead(plan.status, { ...(isJson ? { 'content-type': 'application/json' } : {}), ...plan.headers });
          res.end(body);
        },
        (error: unknown) => {
          res.writeHead(599);
          res.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A static token source for a ClioHttp pointed at a stub server (no OAuth involved). */
export const staticClioTokens = {
  accessToken: async () => 'stub-access-token',
  refresh: async () => 'stub-access-token',
};

export { waitFor } from './wait';
