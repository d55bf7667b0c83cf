import type { Clock } from './clock';
import { isoTimestamp } from './clock';
import type { FaultInjector } from './faults';

export interface WebhookDeliveryRequest {
  url: string;
  /** Exact bytes to send; signatures are computed over this string. */
  body: string;
  headers: Readonly<Record<string, string>>;
  eventId: string;
  /** Called when the receiver answers 410 Gone (Clio disables the hook). */
  onGone?: () => void;
}

export type DeliveryState = 'pending' | 'retrying' | 'delivered' | 'gone' | 'failed' | 'dropped';

export interface DeliveryLogEntry {
  id: number;
  url: string;
  event_id: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  state: DeliveryState;
  duplicate: boolean;
  created_at: string;
  completed_at: string | null;
}

export interface AttemptOutcome {
  status: number | null;
  headers: Headers | null;
  error: string | null;
}

export interface WebhookDelivererOptions {
  /** Delay before the first retry; doubles for each next one. Clio documents 2 minutes. */
  retryBaseMs: number;
  maxAttempts: number;
  timeoutMs: number;
  faults: FaultInjector;
  clock: Clock;
}

/** Clio counts 2xx, 3xx and 410 as delivered. */
function isDelivered(status: number): boolean {
  return (status >= 200 && status < 400) || status === 410;
}

/**
 * Delivers webhook bodies with exponential-backoff retries and keeps a log of every delivery.
 * All timers are unref'd and cancelled on close/reset so a test process can exit.
 */
export class WebhookDeliverer {
  private entries: DeliveryLogEntry[] = [];
  private nextId = 1;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly deferred = new Set<NodeJS.Immediate>();
  private abortController = new AbortController();
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly options: WebhookDelivererOptions) {}

  get log(): readonly DeliveryLogEntry[] {
    return this.entries;
  }

  /** Queues one event for delivery, applying the drop and duplicate faults. */
  enqueue(request: WebhookDeliveryRequest): DeliveryLogEntry[] {
    if (this.closed) return [];
    const { faults } = this.options;
    if (faults.shouldDropWebhook()) return [this.newEntry(request, { state: 'dropped', duplicate: false })];
    const copies = faults.shouldDuplicateWebhook() ? 2 : 1;
    const created: DeliveryLogEntry[] = [];
    for (let copy = 0; copy < copies; copy += 1) {
      const entry = this.newEntry(request, { state: 'pending', duplicate: copy > 0 });
      created.push(entry);
      this.track(this.attempt(entry, request));
    }
    return created;
  }

  /** One POST without retries (Clio's handshake), cancelled on close like everything else. */
  postOnce(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<AttemptOutcome> {
    if (this.closed) return Promise.resolve({ status: null, headers: null, error: 'deliverer closed' });
    const outcome = this.post(url, body, headers);
    this.track(outcome);
    return outcome;
  }

  /** Runs `work` on a later turn of the event loop (after the current response is sent); counts as pending. */
  defer(work: () => Promise<unknown>): void {
    if (this.closed) return;
    const immediate = setImmediate(() => {
      this.deferred.delete(immediate);
      this.track(work());
    });
    immediate.unref();
    this.deferred.add(immediate);
  }

  /** Resolves once nothing is in flight, deferred or scheduled for retry. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Forgets the log and cancels every scheduled retry and in-flight request. */
  reset(): void {
    this.cancelAll();
    this.entries = [];
  }

  /** Final: nothing is sent after this, even by work scheduled before (e.g. a pending handshake). */
  close(): void {
    this.closed = true;
    this.cancelAll();
  }

  private cancelAll(): void {
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    for (const immediate of this.deferred) clearImmediate(immediate);
    this.deferred.clear();
    this.abortController.abort();
    this.abortController = new AbortController();
    this.notifyIfIdle();
  }

  private newEntry(
    request: WebhookDeliveryRequest,
    init: { state: DeliveryState; duplicate: boolean },
  ): DeliveryLogEntry {
    const entry: DeliveryLogEntry = {
      id: this.nextId++,
      url: request.url,
      event_id: request.eventId,
      attempts: 0,
      last_status: null,
      last_error: null,
      state: init.state,
      duplicate: init.duplicate,
      created_at: isoTimestamp(this.options.clock()),
      completed_at: null,
    };
    this.entries.push(entry);
    return entry;
  }

  private async attempt(entry: DeliveryLogEntry, request: WebhookDeliveryRequest): Promise<void> {
    const signal = this.abortController.signal;
    entry.attempts += 1;
    const outcome = await this.post(request.url, request.body, request.headers);
    // A reset or close while the request was in flight means nobody cares about this delivery any more.
    if (signal.aborted) return;
    entry.last_status = outcome.status;
    entry.last_error = outcome.error;
    if (outcome.status !== null && isDelivered(outcome.status)) {
      entry.state = outcome.status === 410 ? 'gone' : 'delivered';
      entry.completed_at = isoTimestamp(this.options.clock());
      if (outcome.status === 410) request.onGone?.();
      return;
    }
    if (entry.attempts >= this.options.maxAttempts) {
      entry.state = 'failed';
      entry.completed_at = isoTimestamp(this.options.clock());
      return;
    }
    entry.state = 'retrying';
    const delay = this.options.retryBaseMs * 2 ** (entry.attempts - 1);
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.track(this.attempt(entry, request));
    }, delay);
    timer.unref();
    this.retryTimers.add(timer);
  }

  private async post(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<AttemptOutcome> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'user-agent': 'matterpay-sandbox-webhooks', ...headers },
        // 3xx counts as delivered, so it must not be followed.
        redirect: 'manual',
        signal: AbortSignal.any([this.abortController.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status, headers: response.headers, error: null };
    } catch (error) {
      return { status: null, headers: null, error: error instanceof Error ? error.message : String(error) };
    }
  }

  private track(work: Promise<unknown>): void {
    this.inFlight += 1;
    void work
      .catch(() => undefined)
      .finally(() => {
        this.inFlight -= 1;
        this.notifyIfIdle();
      });
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.retryTimers.size === 0 && this.deferred.size === 0;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
