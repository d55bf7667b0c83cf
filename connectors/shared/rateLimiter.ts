import Bottleneck from 'bottleneck';

export interface RateLimitHeaders {
  limit: number | null;
  remaining: number | null;
  /** Unix seconds when the window resets. */
  resetAt: number | null;
}

/**
 * One limiter per vendor connection, shared by every call in the process (DESIGN §5). Bottleneck queues the calls;
 * the server's own `X-RateLimit-*` headers keep its reservoir honest, so a worker that starts mid-window, or shares
 * the token with another process, still stays under the budget. A 429 empties the reservoir until `Retry-After`.
 */
export class HeaderDrivenRateLimiter {
  private readonly bottleneck: Bottleneck;
  private limit: number;
  private refillTimer: NodeJS.Timeout | null = null;
  private inFlight = 0;

  constructor(initialLimitPerMinute: number, private readonly now: () => number = Date.now) {
    this.limit = initialLimitPerMinute;
    // No fixed refresh interval: Bottleneck's would tick from our start, not the server's window.
    this.bottleneck = new Bottleneck({ maxConcurrent: 4, reservoir: initialLimitPerMinute });
  }

  async schedule<T>(call: () => Promise<T>): Promise<T> {
    return this.bottleneck.schedule(async () => {
      this.inFlight++;
      try {
        return await call();
      } finally {
        this.inFlight--;
      }
    });
  }

  /** After every response: the server's count is the truth; calls still in flight will spend some of it. */
  observe(headers: RateLimitHeaders): void {
    if (headers.limit !== null) this.limit = headers.limit;
    if (headers.remaining !== null) {
      void this.bottleneck.updateSettings({ reservoir: Math.max(0, headers.remaining - Math.max(0, this.inFlight - 1)) });
    }
    // Without a reset time, assume the documented 60-second window.
    this.refillAt(headers.resetAt !== null ? headers.resetAt * 1000 : this.now() + 60_000, headers.resetAt === null);
  }

  /** A 429: nothing more goes out until the server said it will accept again. */
  backOff(retryAfterSeconds: number): void {
    void this.bottleneck.updateSettings({ reservoir: 0 });
    this.refillAt(this.now() + retryAfterSeconds * 1000);
  }

  private refillAt(atMs: number, keepEarlier = false): void {
    if (this.refillTimer && keepEarlier) return;
    if (this.refillTimer) clearTimeout(this.refillTimer);
    this.refillTimer = setTimeout(() => {
      this.refillTimer = null;
      void this.bottleneck.updateSettings({ reservoir: this.limit });
    }, Math.max(0, atMs - this.now()) + 50);
    this.refillTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.refillTimer) clearTimeout(this.refillTimer);
    await this.bottleneck.stop({ dropWaitingJobs: false });
  }
}
