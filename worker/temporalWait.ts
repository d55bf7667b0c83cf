import type { Logger } from './logger';

const UNREACHABLE = /Failed to connect|Unavailable|tcp connect error|ECONNREFUSED|ECONNRESET|DeadlineExceeded|transport error|Connection refused/i;
const RETRY_EVERY_MS = 1_000;

/**
 * A role starting while Temporal is unreachable (restarting, a network cut) waits for it, bounded and saying so,
 * instead of exiting: replicas restarted by a supervisor during an outage would otherwise crash-loop. Any other
 * error (a wrong namespace, a bad API key) fails at once.
 */
export async function whenTemporalAnswers<T>(what: string, address: string, attempt: () => Promise<T>, logger: Logger, waitMs = 2 * 60_000): Promise<T> {
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      if (!UNREACHABLE.test(message)) throw err;
      if (Date.now() >= deadline) {
        throw new Error(`gave up after ${Math.round(waitMs / 1000)} s waiting for Temporal at ${address} (${what}): ${message.split('\n')[0]!.slice(0, 200)}`);
      }
      if (!told) {
        told = true;
        logger.warn({ address }, `Temporal at ${address} is unreachable (${what}); waiting for it, up to ${Math.round(waitMs / 1000)} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
    }
  }
}
