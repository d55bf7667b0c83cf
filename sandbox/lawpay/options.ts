import type { Clock } from '../common/clock';
import { systemClock } from '../common/clock';
import type { FaultPatch, RandomSource } from '../common/faults';

export interface LawPaySandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8802; 0 picks a free port. */
  port?: number;
  /** The merchant's secret key (HTTP Basic username, empty password). Default `sandbox_secret_key`. */
  secretKey?: string;
  /** Slug in hosted-page URLs `/pages/<merchantSlug>/<operating|trust>`. Default `sandbox-law`. */
  merchantSlug?: string;
  merchantName?: string;
  /** First webhook retry delay, doubling after; default 120000. LawPay's own retry policy is undocumented. */
  webhookRetryBaseMs?: number;
  webhookMaxAttempts?: number;
  webhookTimeoutMs?: number;
  /** Initial fault settings (also what `/__sandbox/reset` restores). */
  faults?: FaultPatch;
  clock?: Clock;
  random?: RandomSource;
  /**
   * Keep the sandbox's records in this file across restarts (`matterpay start` does, under its data dir); without it
   * the state lives in memory only, as tests want.
   */
  stateFile?: string;
}

export type ResolvedLawPayOptions = Required<Omit<LawPaySandboxOptions, 'faults' | 'stateFile'>> & {
  faults: FaultPatch;
};

export const LAWPAY_DEFAULT_PORT = 8802;

export function resolveLawPayOptions(options: LawPaySandboxOptions = {}): ResolvedLawPayOptions {
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? LAWPAY_DEFAULT_PORT,
    secretKey: options.secretKey ?? 'sandbox_secret_key',
    merchantSlug: options.merchantSlug ?? 'sandbox-law',
    merchantName: options.merchantName ?? 'Sandbox Law LLP',
    webhookRetryBaseMs: options.webhookRetryBaseMs ?? 120_000,
    webhookMaxAttempts: options.webhookMaxAttempts ?? 5,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
    faults: options.faults ?? {},
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
  };
}
