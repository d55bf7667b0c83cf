import type { Clock } from '../common/clock';
import { systemClock } from '../common/clock';
import type { FaultPatch, RandomSource } from '../common/faults';

export interface ClioSandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8801; 0 picks a free port. */
  port?: number;
  /** The OAuth client the sandbox accepts. Defaults `sandbox-client-id` / `sandbox-client-secret`. */
  clientId?: string;
  clientSecret?: string;
  /** When given, `/oauth/authorize` only accepts these redirect URIs (a real Clio app registers them). */
  redirectUris?: string[];
  /** Access-token lifetime; default 30 days, as Clio documents. */
  accessTokenTtlSeconds?: number;
  /** Authorization-code lifetime; default 10 minutes. */
  authorizationCodeTtlSeconds?: number;
  /** First webhook retry delay, doubling after; default 120000 (Clio's 2 minutes). */
  webhookRetryBaseMs?: number;
  /** Attempts per webhook delivery including the first; default 5. */
  webhookMaxAttempts?: number;
  /** Per-attempt timeout for webhook POSTs; default 10000. */
  webhookTimeoutMs?: number;
  /** Initial fault settings (also what `/__sandbox/reset` restores). */
  faults?: FaultPatch;
  /**
   * Length of the fixed rate-limit window; default 60000 (Clio's minute). Tests shorten it so a burst can run
   * into `rate_limit_per_minute` (which then means "per window") and out again in seconds.
   */
  rateLimitWindowMs?: number;
  /** The implicit user that auto-approves OAuth and owns time entries. */
  user?: { name: string; email: string };
  clock?: Clock;
  random?: RandomSource;
  /**
   * Keep the sandbox's records in this file across restarts (`matterpay start` does, under its data dir); without it
   * the state lives in memory only, as tests want.
   */
  stateFile?: string;
}

export type ResolvedClioOptions = Required<Omit<ClioSandboxOptions, 'redirectUris' | 'faults' | 'stateFile'>> & {
  redirectUris: string[] | null;
  faults: FaultPatch;
};

export const CLIO_DEFAULT_PORT = 8801;

export function resolveClioOptions(options: ClioSandboxOptions = {}): ResolvedClioOptions {
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? CLIO_DEFAULT_PORT,
    clientId: options.clientId ?? 'sandbox-client-id',
    clientSecret: options.clientSecret ?? 'sandbox-client-secret',
    redirectUris: options.redirectUris ?? null,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 30 * 24 * 3600,
    authorizationCodeTtlSeconds: options.authorizationCodeTtlSeconds ?? 600,
    webhookRetryBaseMs: options.webhookRetryBaseMs ?? 120_000,
    webhookMaxAttempts: options.webhookMaxAttempts ?? 5,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
    faults: options.faults ?? {},
    rateLimitWindowMs: options.rateLimitWindowMs ?? 60_000,
    user: options.user ?? { name: 'Sandbox Attorney', email: 'attorney@sandbox.example' },
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
  };
}
