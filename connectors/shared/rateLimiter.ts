import Bottleneck from 'bottleneck';
import { VendorUnavailableError } from '../errors';

export interface RateLimitHeaders {
  limit: number | null;
  remaining: number | null;
  /** Unix seconds when the window resets. */
  resetAt: number | null;
}

/** What the limiter knows about one request it let through, to read that request's answer correctly. */
interface Ticket {
  /** 1 for the first request this limiter started, 2 for the next… */
  index: number;
  /** Requests still running when this one started: the server may count them before or after it. */
  runningBefore: number;
}

type RefillKind = 'assumed' | 'known' | 'backoff';

/** Without a reset time from the server, assume the documented 60-second window. */
const ASSUMED_WINDOW_MS = 60_000;
/** Refill a little after the server's reset second, never a little before. */
const RESET_SLACK_MS = 50;

export class RateLimiterStoppedError extends Error {
  constructor() {
    super('rate limiter stopped');
    this.name = 'RateLimiterStoppedError';
  }
}

/**
 * Too many calls are already waiting (or this one waited too long): fail fast instead of queueing without bound.
 * Retryable, so an activity is retried later and the ingress answers 503 with Retry-After.
 */
export class RateLimiterQueueFullError extends VendorUnavailableError {
  constructor(vendor: string, reason: string, retryAfterSeconds: number) {
    super(vendor, `${vendor}: ${reason}; retry later`, null, retryAfterSeconds);
  }
}

export interface RateLimiterOptions {
  /** Who the limiter guards, for error messages. */
  vendor?: string;
  /** Calls that may wait for a slot or for budget; the next one fails at once (default: unbounded). */
  maxQueued?: number;
  /** A call that cannot start within this long fails (default: it waits as long as it takes). */
  maxWaitMs?: number;
}

export interface RateLimiterStats {
  queued: number;
  peakQueued: number;
  rejected: number;
}

/**
 * One limiter per vendor connection, shared by every call in the process (docs/architecture.md §5). Bottleneck queues the calls
 * (four at a time, first come first served); the request budget is counted here, synchronously, from the server's
 * own `X-RateLimit-*` headers, so a worker that starts mid-window, assumes a higher limit than the server's, or
 * shares the token with another process, still stays under the budget. A 429 stops everything until `Retry-After`.
 *
 * Reading an answer: `X-RateLimit-Remaining: R` on the answer to request #i means the server had R left when it
 * counted #i. Requests started after #i, and those still running when #i started, may not be in that count yet,
 * so at most `R - runningBefore(#i) - (started - i)` more may start. Answers arrive out of order: the newest
 * request's answer wins, and an answer from a window that is already over is ignored.
 */
export class HeaderDrivenRateLimiter {
  private readonly bottleneck = new Bottleneck({ maxConcurrent: 4 });
  private limit: number;
  private started = 0;
  private running = 0;
  /** Requests may start while `started < budgetEnd`. */
  private budgetEnd: number;
  /** The request whose answer the budget rests on (0: none yet, or a refill). */
  private basisIndex = 0;
  /** End of the server window the budget rests on (ms), when the server said. */
  private windowResetAtMs: number | null = null;
  /** Answers from windows that ended at or before this are stale. */
  private expiredResetAtMs = Number.NEGATIVE_INFINITY;
  private refill: { timer: NodeJS.Timeout; atMs: number; kind: RefillKind } | null = null;
  private waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private stopped = false;
  private queued = 0;
  private peakQueued = 0;
  private rejected = 0;
  private readonly vendor: string;
  private readonly maxQueued: number;
  private readonly maxWaitMs: number;

  constructor(
    initialLimitPerMinute: number,
    private readonly now: () => number = Date.now,
    options: RateLimiterOptions = {},
  ) {
    this.limit = initialLimitPerMinute;
    this.budgetEnd = initialLimitPerMinute;
    this.vendor = options.vendor ?? 'vendor';
    this.maxQueued = options.maxQueued ?? Number.POSITIVE_INFINITY;
    this.maxWaitMs = options.maxWaitMs ?? Number.POSITIVE_INFINITY;
  }

  /** Calls waiting now, the most that ever waited at once, and how many were refused for a full queue. */
  stats(): RateLimiterStats {
    return { queued: this.queued, peakQueued: this.peakQueued, rejected: this.rejected };
  }

  /**
   * Runs `call` when the budget allows. `headersOf` reads the rate-limit headers of its result; they are applied
   * before the call's slot is freed, so the next request is decided with this answer known.
   */
  async schedule<T>(call: () => Promise<T>, headersOf?: (result: T) => RateLimitHeaders | null): Promise<T> {
    if (this.stopped) throw new RateLimiterStoppedError();
    if (this.queued >= this.maxQueued) {
      this.rejected++;
      throw new RateLimiterQueueFullError(
        this.vendor,
        `${this.queued} calls are already waiting`,
        this.secondsUntilRefill(),
      );
    }
    this.queued++;
    this.peakQueued = Math.max(this.peakQueued, this.queued);
    const deadline = this.now() + this.maxWaitMs;
    let waiting = true;
    const leaveQueue = () => {
      if (waiting) this.queued--;
      waiting = false;
    };
    try {
      return await this.bottleneck.schedule(() => this.runWhenAllowed(call, headersOf, deadline, leaveQueue));
    } finally {
      leaveQueue();
    }
  }

  /** Inside Bottleneck's slot: wait for budget (at most until `deadline`), then send. */
  private async runWhenAllowed<T>(
    call: () => Promise<T>,
    headersOf: ((result: T) => RateLimitHeaders | null) | undefined,
    deadline: number,
    leaveQueue: () => void,
  ): Promise<T> {
    const ticket = await this.acquire(deadline);
    leaveQueue();
    try {
      const result = await call();
      const headers = headersOf?.(result);
      if (headers) this.observe(headers, ticket);
      return result;
    } finally {
      this.running--;
    }
  }

  /**
   * After a response: the server's count is the truth. Without a ticket (a caller that does not say which request
   * this answers), it is read as the answer to the latest request, with every other running request still to count.
   */
  observe(
    headers: RateLimitHeaders,
    ticket: Ticket = { index: this.started, runningBefore: Math.max(0, this.running - 1) },
  ): void {
    if (headers.limit !== null) this.limit = headers.limit;
    if (headers.remaining === null) return;
    const resetAtMs = headers.resetAt !== null ? headers.resetAt * 1000 : null;
    // An answer from a window that is over, or older than the one the budget rests on, says nothing about now.
    if (
      resetAtMs !== null &&
      (resetAtMs <= this.expiredResetAtMs || (this.windowResetAtMs !== null && resetAtMs < this.windowResetAtMs))
    )
      return;
    const newWindow = resetAtMs !== null && (this.windowResetAtMs === null || resetAtMs > this.windowResetAtMs);
    if (!newWindow && ticket.index < this.basisIndex) return;
    this.basisIndex = ticket.index;
    this.budgetEnd = ticket.index + headers.remaining - ticket.runningBefore;
    if (resetAtMs !== null) {
      this.windowResetAtMs = resetAtMs;
      this.refillAt(resetAtMs + RESET_SLACK_MS, 'known');
    } else {
      this.refillAt(this.now() + ASSUMED_WINDOW_MS, 'assumed');
    }
    this.wake();
  }

  /** A 429: nothing more goes out until the server said it will accept again. */
  backOff(retryAfterSeconds: number): void {
    this.budgetEnd = Math.min(this.budgetEnd, this.started);
    // Answers to requests already sent cannot reopen this window: only the refill (or a new window) can.
    this.basisIndex = this.started + 1;
    const atMs = this.now() + retryAfterSeconds * 1000;
    // Retry-After is the server's word on when it accepts again: a later window end must not hold every call.
    if (this.refill && this.refill.atMs > atMs) {
      clearTimeout(this.refill.timer);
      this.refill = null;
    }
    this.refillAt(atMs, 'backoff');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.refill) clearTimeout(this.refill.timer);
    this.refill = null;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(new RateLimiterStoppedError());
    await this.bottleneck.stop({ dropWaitingJobs: false });
  }

  /** Waits for budget, then counts the request as started (no await between the check and the count). */
  private async acquire(deadline: number): Promise<Ticket> {
    while (this.started >= this.budgetEnd) {
      if (this.stopped) throw new RateLimiterStoppedError();
      const left = deadline - this.now();
      if (left <= 0) throw this.waitedTooLong();
      // Nothing will refill an unknown window unless we assume one.
      if (!this.refill) this.refillAt(this.now() + ASSUMED_WINDOW_MS, 'assumed');
      // While a call waits for it, the refill keeps the process alive (a CLI run must not exit mid-way).
      this.refill?.timer.ref();
      await this.waitForWake(left);
    }
    if (this.now() > deadline) throw this.waitedTooLong();
    if (!this.refill && this.windowResetAtMs === null) this.refillAt(this.now() + ASSUMED_WINDOW_MS, 'assumed');
    this.started++;
    return { index: this.started, runningBefore: this.running++ };
  }

  private waitForWake(maxMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.push(waiter);
      if (Number.isFinite(maxMs)) {
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(this.waitedTooLong());
        }, maxMs);
        timer.unref();
      }
    });
  }

  private waitedTooLong(): RateLimiterQueueFullError {
    this.rejected++;
    return new RateLimiterQueueFullError(
      this.vendor,
      `no request budget within ${this.maxWaitMs} ms`,
      this.secondsUntilRefill(),
    );
  }

  private secondsUntilRefill(): number {
    return Math.max(1, Math.ceil(((this.refill?.atMs ?? this.now() + ASSUMED_WINDOW_MS) - this.now()) / 1000));
  }

  /**
   * When the budget comes back. What the server said (a reset time, a Retry-After) replaces an assumed window and
   * otherwise only ever moves the refill later; an assumed window never replaces anything.
   */
  private refillAt(atMs: number, kind: RefillKind): void {
    if (this.stopped) return;
    const current = this.refill;
    if (current) {
      if (kind === 'assumed') return;
      if (current.kind !== 'assumed' && current.atMs >= atMs) return;
      clearTimeout(current.timer);
    }
    const timer = setTimeout(() => this.onRefill(), Math.max(0, atMs - this.now()));
    if (this.waiters.length === 0) timer.unref();
    this.refill = { timer, atMs, kind };
  }

  /** The window is over: a full budget, less what is still in flight (the server may count it in the new window). */
  private onRefill(): void {
    this.refill = null;
    if (this.windowResetAtMs !== null) this.expiredResetAtMs = Math.max(this.expiredResetAtMs, this.windowResetAtMs);
    this.windowResetAtMs = null;
    this.basisIndex = this.started;
    // At least one: a server that says its limit is 0 answers that request with a 429 and a Retry-After.
    this.budgetEnd = this.started + Math.max(1, this.limit - this.running);
    this.wake();
  }

  /** Every waiter checks the budget again, in order; those that still cannot go wait again (and re-ref the refill). */
  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    this.refill?.timer.unref();
    for (const waiter of waiters) waiter.resolve();
  }
}
