import { isoTimestamp } from '../common/clock';
import { FaultInjector } from '../common/faults';
import { FixedWindowRateLimiter } from '../common/rateLimiter';
import { RequestCounter } from '../common/requestCounter';
import { WebhookDeliverer } from '../common/webhookDeliverer';
import type { Merchant } from './merchant';
import { buildMerchant } from './merchant';
import type { ResolvedLawPayOptions } from './options';
import type { LawPayState } from './state';
import { createLawPayState } from './state';

/** Everything one LawPay sandbox instance owns; nothing is module-global. */
export class LawPayContext {
  state: LawPayState = createLawPayState();
  readonly merchant: Merchant;
  readonly faults: FaultInjector;
  readonly rateLimiter: FixedWindowRateLimiter;
  readonly requestCounter = new RequestCounter();
  readonly deliverer: WebhookDeliverer;

  constructor(readonly options: ResolvedLawPayOptions) {
    this.merchant = buildMerchant(options);
    this.faults = new FaultInjector(options.faults, options.random);
    this.rateLimiter = new FixedWindowRateLimiter(() => this.faults.current.rate_limit_per_minute, options.clock);
    this.deliverer = new WebhookDeliverer({
      retryBaseMs: options.webhookRetryBaseMs,
      maxAttempts: options.webhookMaxAttempts,
      timeoutMs: options.webhookTimeoutMs,
      faults: this.faults,
      clock: options.clock,
    });
  }

  nowIso(): string {
    return isoTimestamp(this.options.clock());
  }

  /** Clears transactions, events, webhook subscriptions, deliveries, counters and faults. */
  reset(): void {
    this.state = createLawPayState();
    this.deliverer.reset();
    this.requestCounter.reset();
    this.rateLimiter.reset();
    this.faults.reset();
  }
}
