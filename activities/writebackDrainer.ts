import type { ActivityDeps } from './deps';
import { writebackActivities, type DrainResult } from './writebacks';

export interface DrainerOptions {
  /** Looks at each firm's queue at least this often, woken or not (a wake lost in a crash only delays a write). */
  idleLookMs?: number;
  onError?: (firmId: string, err: unknown) => void;
}

/**
 * Runs the write-back queue's drain (activities/writebacks.ts) inside each worker process, one loop per firm: at
 * once when something is queued (`wake`), when the next retry is due, and every `idleLookMs`. Several worker
 * processes may drain one firm: the queue's SKIP LOCKED claims keep them from writing the same row twice, and each
 * write goes through that process's vendor rate limiter. It lives beside the workflows rather than in one because a
 * retry's backoff is wall-clock time at the vendor, which a workflow timer (skipped in tests, or replayed) is not.
 */
export class WritebackDrainer {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private stopped = false;

  constructor(
    private readonly drain: (input: { firmId: string }) => Promise<DrainResult>,
    private readonly firmIds: () => string[],
    private readonly options: DrainerOptions = {},
  ) {}

  start(): void {
    for (const firmId of this.firmIds()) this.schedule(firmId, 0);
  }

  /** Something was queued for this firm: drain it now (or right after the pass under way). */
  wake(firmId: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running.has(firmId)) this.again.add(firmId);
    else this.schedule(firmId, 0);
    return Promise.resolve();
  }

  /** Drains until nothing is due now; resolves when done (for `matterpay writebacks retry` and tests). */
  async drainNow(firmId: string): Promise<DrainResult> {
    await this.running.get(firmId);
    let result: DrainResult;
    do result = await this.drain({ firmId });
    while (result.nextDueInMs === 0 && (result.written > 0 || result.retrying > 0 || result.deadLettered > 0));
    return result;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.running.values());
  }

  private schedule(firmId: string, delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(firmId));
    const timer = setTimeout(() => this.pass(firmId), Math.max(0, delayMs));
    timer.unref();
    this.timers.set(firmId, timer);
  }

  private pass(firmId: string): void {
    this.timers.delete(firmId);
    if (this.running.has(firmId)) return;
    const idle = this.options.idleLookMs ?? 60_000;
    const run = (async () => {
      let next = idle;
      try {
        const result = await this.drain({ firmId });
        next = result.nextDueInMs === null ? idle : Math.min(idle, result.nextDueInMs);
      } catch (err) {
        // The database is unreachable, say: look again soon; the rows wait in the queue.
        this.options.onError?.(firmId, err);
        next = Math.min(idle, 5_000);
      } finally {
        this.running.delete(firmId);
      }
      if (this.again.delete(firmId)) next = 0;
      this.schedule(firmId, next);
    })();
    this.running.set(firmId, run);
  }
}

/**
 * The activity dependencies with `wakeWritebacks` wired to a new drainer over the same store and firms. Start the
 * drainer with the worker, stop it with the worker.
 */
export function withWritebackDrainer(
  deps: ActivityDeps,
  firmIds: () => string[],
  options: DrainerOptions = {},
): { deps: ActivityDeps; drainer: WritebackDrainer } {
  const { drainWritebacks } = writebackActivities(deps);
  const drainer = new WritebackDrainer(drainWritebacks, firmIds, options);
  return { deps: { ...deps, wakeWritebacks: (firmId) => drainer.wake(firmId) }, drainer };
}
