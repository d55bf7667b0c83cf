import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type GrpcRetryOptions } from '@temporalio/client';

/** gRPC's UNAVAILABLE: the server cannot be reached (restarting, a network cut), not a refusal. */
const GRPC_UNAVAILABLE = 14;
/**
 * What UNAVAILABLE says when the connection itself is down. A server that answers UNAVAILABLE ("shard status
 * unknown") is reachable: that keeps the SDK's own, shorter retries, so no call hangs on a sick server for minutes.
 */
const CONNECTION_DOWN =
  /No connection established|Connection dropped|Failed to connect|connect|ECONNREFUSED|ECONNRESET|socket|transport/i;
const unreachable = (status: { code: number; details: string }) =>
  status.code === GRPC_UNAVAILABLE && CONNECTION_DOWN.test(status.details ?? '');
const RETRY_EVERY_MS = 1_000;

export interface TemporalWait {
  /** The retry policy of the command's Temporal connection (exposed for its tests). */
  readonly retries: GrpcRetryOptions;
  /** For `Connection.connect({ interceptors })`. */
  readonly interceptor: ReturnType<typeof makeGrpcRetryInterceptor>;
  /**
   * Stops retrying and resolves once no retry is still due, so the connection can close: a retry whose timer fires
   * after the channel closed throws "Channel has been shut down" out of the timer and crashes the command with a
   * stack trace (the gRPC retry interceptor retries in the background after its caller's deadline has passed).
   */
  quiesce(): Promise<void>;
}

/**
 * The admin commands' wait for Temporal: a call that finds Temporal unreachable (its server restarting, the network
 * to it cut) is retried every second for up to `waitMs`, and the person is told once what the command waits for;
 * every other failure keeps the SDK's default policy. Without it, a command watching a workflow (`matterpay
 * backfill`) gave up after the SDK's ~20 s of retries during a 30 s outage.
 */
export function waitForTemporal(address: string, tell: (line: string) => void, waitMs: number): TemporalWait {
  const defaults = defaultGrpcRetryOptions();
  const attempts = Math.max(1, Math.ceil(waitMs / RETRY_EVERY_MS));
  let told = false;
  let closing = false;
  let lastRetryDueAt = 0;
  const retries: GrpcRetryOptions = {
    retryableDecider(attempt, status) {
      if (closing) return false;
      if (!unreachable(status)) return defaults.retryableDecider(attempt, status);
      if (attempt >= attempts) {
        if (told) tell(`gave up waiting for Temporal at ${address} after ${Math.round(waitMs / 1000)} s`);
        return false;
      }
      if (!told) {
        told = true;
        tell(
          `Temporal at ${address} is unreachable; waiting for it, up to ${Math.round(waitMs / 1000)} s (Ctrl-C stops)`,
        );
      }
      return true;
    },
    delayFunction(attempt, status) {
      const delay = unreachable(status) ? RETRY_EVERY_MS : defaults.delayFunction(attempt, status);
      lastRetryDueAt = Math.max(lastRetryDueAt, Date.now() + delay);
      return delay;
    },
  };
  return {
    retries,
    interceptor: makeGrpcRetryInterceptor(retries),
    async quiesce() {
      closing = true;
      ignoreRetriesAfterClose();
      const due = lastRetryDueAt - Date.now();
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due + 50));
    },
  };
}

let ignoringRetriesAfterClose = false;
/**
 * The wait above is not always enough: Node's timers count from the event loop's cached clock, which lags the wall
 * clock while a long task runs, so a retry's timer can come due after the connection closed (a clean-clone CI run of
 * `matterpay backfill` through an outage printed its totals, then died with "Channel has been shut down" out of
 * `Timeout.retry`). Once the command is closing, that one error is a retry nobody waits for: it is dropped. Any
 * other uncaught error still ends the command as Node would, with its stack and exit code 1.
 */
function ignoreRetriesAfterClose(): void {
  if (ignoringRetriesAfterClose) return;
  ignoringRetriesAfterClose = true;
  process.on('uncaughtException', (err) => {
    if (err instanceof Error && err.message === 'Channel has been shut down') return;
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
