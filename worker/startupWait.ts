import type { Logger } from './logger';

const RETRY_EVERY_MS = 1_000;

/** What an unreachable peer looks like, per peer: anything else (a wrong namespace, a bad password) fails at once. */
export const UNREACHABLE = {
  Temporal:
    /Failed to connect|Unavailable|tcp connect error|ECONNREFUSED|ECONNRESET|DeadlineExceeded|transport error|Connection refused/i,
  PostgreSQL:
    /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|the database system is (starting up|shutting down)|57P01|57P03/i,
} as const;

/**
 * A role starting while Temporal or PostgreSQL is unreachable (restarting, a network cut) waits for it, bounded and
 * saying so, instead of exiting: replicas restarted by a supervisor during an outage would otherwise crash-loop.
 */
export async function whenReachable<T>(
  peer: keyof typeof UNREACHABLE,
  what: string,
  address: string,
  attempt: () => Promise<T>,
  logger: Pick<Logger, 'warn'> | { warn(meta: object, message: string): void },
  waitMs = 2 * 60_000,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      const message = describeWithCauses(err);
      if (!UNREACHABLE[peer].test(message)) throw err;
      if (Date.now() >= deadline) {
        throw new Error(
          `gave up after ${Math.round(waitMs / 1000)} s waiting for ${peer} at ${address} (${what}): ${message.split('\n')[0]!.slice(0, 200)}`,
        );
      }
      if (!told) {
        told = true;
        logger.warn(
          { address },
          `${peer} at ${address} is unreachable (${what}); waiting for it, up to ${Math.round(waitMs / 1000)} s`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
    }
  }
}

export const whenTemporalAnswers = <T>(
  what: string,
  address: string,
  attempt: () => Promise<T>,
  logger: Parameters<typeof whenReachable>[4],
) => whenReachable('Temporal', what, address, attempt, logger);

/**
 * An error's message and code with those of its causes: the Temporal client wraps the gRPC error that says the
 * server is unreachable ("14 UNAVAILABLE: …") in a ServiceError of its own ("Failed to update schedule").
 */
function describeWithCauses(err: unknown): string {
  const parts: string[] = [];
  for (
    let e = err as { message?: string; code?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    depth++
  ) {
    parts.push(`${e.message ?? String(e)} ${typeof e.code === 'string' ? e.code : ''}`.trim());
    e = e.cause as typeof e;
  }
  return parts.join(': ');
}
