import type { FastifyReply } from 'fastify';
import type { Clock } from './clock';

/** Clio documents its limits per 60-second window. Tests may shorten it (ClioSandboxOptions.rateLimitWindowMs). */
export const DEFAULT_RATE_LIMIT_WINDOW_MS = 60_000;

/** How many windows the read-only accounting keeps (oldest dropped first). */
const WINDOW_LOG_SIZE = 10_000;

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds at which the current window ends. */
  resetAtSeconds: number;
  retryAfterSeconds: number;
}

/** Read-only accounting of one window of one credential: what the sandbox served and refused in it. */
export interface RateLimitWindowRecord {
  /** 1 for the first credential seen, 2 for the next…; never the credential itself (it is a secret). */
  credential: number;
  /** Epoch milliseconds (sandbox clock). */
  started_at: number;
  ends_at: number;
  /** The limit in force at the window's latest request. */
  limit: number;
  /** Requests let through (answered normally). */
  served: number;
  /** Requests answered 429. */
  rejected: number;
}

interface Window {
  startedAt: number;
  used: number;
  record: RateLimitWindowRecord;
}

/** A fixed window per credential (60 seconds unless configured), as Clio documents its limits. */
export class FixedWindowRateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly credentialNumbers = new Map<string, number>();
  private log: RateLimitWindowRecord[] = [];

  constructor(
    private readonly limit: () => number,
    private readonly clock: Clock,
    private readonly windowMs: number = DEFAULT_RATE_LIMIT_WINDOW_MS,
  ) {}

  consume(credential: string): RateLimitDecision {
    const now = this.clock();
    let window = this.windows.get(credential);
    if (!window || now - window.startedAt >= this.windowMs) {
      window = { startedAt: now, used: 0, record: this.openRecord(credential, now) };
      this.windows.set(credential, window);
    }
    const limit = this.limit();
    const resetAtMs = window.startedAt + this.windowMs;
    const allowed = window.used < limit;
    if (allowed) window.used += 1;
    window.record.limit = limit;
    if (allowed) window.record.served += 1;
    else window.record.rejected += 1;
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - window.used),
      resetAtSeconds: Math.ceil(resetAtMs / 1000),
      retryAfterSeconds: Math.max(1, Math.ceil((resetAtMs - now) / 1000)),
    };
  }

  /** Every window so far (copies), oldest first: tests check what a client really got through, window by window. */
  windowLog(): RateLimitWindowRecord[] {
    return this.log.map((record) => ({ ...record }));
  }

  reset(): void {
    this.windows.clear();
    this.credentialNumbers.clear();
    this.log = [];
  }

  private openRecord(credential: string, now: number): RateLimitWindowRecord {
    let number = this.credentialNumbers.get(credential);
    if (number === undefined) {
      number = this.credentialNumbers.size + 1;
      this.credentialNumbers.set(credential, number);
    }
    const record: RateLimitWindowRecord = {
      credential: number,
      started_at: now,
      ends_at: now + this.windowMs,
      limit: this.limit(),
      served: 0,
      rejected: 0,
    };
    this.log.push(record);
    if (this.log.length > WINDOW_LOG_SIZE) this.log.shift();
    return record;
  }
}

export function setRateLimitHeaders(reply: FastifyReply, decision: RateLimitDecision): void {
  reply.header('X-RateLimit-Limit', String(decision.limit));
  reply.header('X-RateLimit-Remaining', String(decision.remaining));
  reply.header('X-RateLimit-Reset', String(decision.resetAtSeconds));
  if (!decision.allowed) reply.header('Retry-After', String(decision.retryAfterSeconds));
}
