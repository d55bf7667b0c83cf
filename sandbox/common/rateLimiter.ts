import type { FastifyReply } from 'fastify';
import type { Clock } from './clock';

const WINDOW_MS = 60_000;

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds at which the current window ends. */
  resetAtSeconds: number;
  retryAfterSeconds: number;
}

interface Window {
  startedAt: number;
  used: number;
}

/** A fixed 60-second window per credential, as Clio documents its limits. */
export class FixedWindowRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: () => number,
    private readonly clock: Clock,
  ) {}

  consume(credential: string): RateLimitDecision {
    const now = this.clock();
    let window = this.windows.get(credential);
    if (!window || now - window.startedAt >= WINDOW_MS) {
      window = { startedAt: now, used: 0 };
      this.windows.set(credential, window);
    }
    const limit = this.limit();
    const resetAtMs = window.startedAt + WINDOW_MS;
    const allowed = window.used < limit;
    if (allowed) window.used += 1;
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - window.used),
      resetAtSeconds: Math.ceil(resetAtMs / 1000),
      retryAfterSeconds: Math.max(1, Math.ceil((resetAtMs - now) / 1000)),
    };
  }

  reset(): void {
    this.windows.clear();
  }
}

export function setRateLimitHeaders(reply: FastifyReply, decision: RateLimitDecision): void {
  reply.header('X-RateLimit-Limit', String(decision.limit));
  reply.header('X-RateLimit-Remaining', String(decision.remaining));
  reply.header('X-RateLimit-Reset', String(decision.resetAtSeconds));
  if (!decision.allowed) reply.header('Retry-After', String(decision.retryAfterSeconds));
}
