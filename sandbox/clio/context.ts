import { isoTimestamp } from '../common/clock';
import { FaultInjector } from '../common/faults';
import { randomHex } from '../common/randomIds';
import { FixedWindowRateLimiter } from '../common/rateLimiter';
import { RequestCounter } from '../common/requestCounter';
import { WebhookDeliverer } from '../common/webhookDeliverer';
import type { ResolvedClioOptions } from './options';
import type { ClioState } from './state';
import { createClioState } from './state';

/** Everything one Clio sandbox instance owns. Passed to every route and operation; nothing is module-global. */
export class ClioContext {
  state: ClioState;
  readonly faults: FaultInjector;
  readonly rateLimiter: FixedWindowRateLimiter;
  readonly requestCounter = new RequestCounter();
  readonly deliverer: WebhookDeliverer;

  constructor(readonly options: ResolvedClioOptions) {
    this.state = this.freshState();
    this.faults = new FaultInjector(options.faults, options.random);
    this.rateLimiter = new FixedWindowRateLimiter(
      () => this.faults.current.rate_limit_per_minute,
      options.clock,
      options.rateLimitWindowMs,
    );
    this.deliverer = new WebhookDeliverer({
      retryBaseMs: options.webhookRetryBaseMs,
      maxAttempts: options.webhookMaxAttempts,
      timeoutMs: options.webhookTimeoutMs,
      faults: this.faults,
      clock: options.clock,
    });
  }

  now(): number {
    return this.options.clock();
  }

  nowIso(): string {
    return isoTimestamp(this.now());
  }

  /** Every change gets a fresh quoted etag, as Clio's records do. */
  newEtag(): string {
    return `"${randomHex(16)}"`;
  }

  /**
   * Clears all business data, webhooks, deliveries, counters and faults. OAuth grants and user accounts survive: they
   * are the firm's connection, not its data, so a running worker keeps working across a demo reset.
   */
  reset(): void {
    const previous = this.state;
    this.state = this.freshState();
    this.state.accessTokens = previous.accessTokens;
    this.state.refreshTokens = previous.refreshTokens;
    this.state.users = previous.users;
    this.state.signedInUserId = previous.signedInUserId;
    this.deliverer.reset();
    this.requestCounter.reset();
    this.rateLimiter.reset();
    this.faults.reset();
  }

  private freshState(): ClioState {
    return createClioState(isoTimestamp(this.options.clock()), this.options.user);
  }
}
