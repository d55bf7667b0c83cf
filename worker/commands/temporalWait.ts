import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type GrpcRetryOptions } from '@temporalio/client';

/** gRPC's UNAVAILABLE: the server cannot be reached (restarting, a network cut), not a refusal. */
const GRPC_UNAVAILABLE = 14;
const RETRY_EVERY_MS = 1_000;

/**
 * The gRPC retry policy of the admin commands' Temporal connection: a call that finds Temporal unreachable (its
 * server restarting, the network to it cut) is retried every second for up to `waitMs`, and the person is told
 * once what the command waits for; every other failure keeps the SDK's default policy. Without it, a command
 * watching a workflow (`matterpay backfill`) gave up after the SDK's ~20 s of retries during a 30 s outage.
 */
export function waitForTemporalRetries(
  address: string,
  tell: (line: string) => void,
  waitMs: number,
): GrpcRetryOptions {
  const defaults = defaultGrpcRetryOptions();
  const attempts = Math.max(1, Math.ceil(waitMs / RETRY_EVERY_MS));
  let told = false;
  return {
    retryableDecider(attempt, status) {
      if (status.code !== GRPC_UNAVAILABLE) return defaults.retryableDecider(attempt, status);
      if (attempt >= attempts) {
        tell(`gave up waiting for Temporal at ${address} after ${Math.round(waitMs / 1000)} s`);
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
      return status.code === GRPC_UNAVAILABLE ? RETRY_EVERY_MS : defaults.delayFunction(attempt, status);
    },
  };
}

export const waitForTemporalInterceptor = (address: string, tell: (line: string) => void, waitMs: number) =>
  makeGrpcRetryInterceptor(waitForTemporalRetries(address, tell, waitMs));
