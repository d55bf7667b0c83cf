import type { Client } from '@temporalio/client';

/**
 * Webhook senders give up on slow replies (Clio may disable a slow hook), so the ingress waits for Temporal a few
 * seconds at most: past that it answers 503 and the sender retries later.
 */
export const INGRESS_TEMPORAL_DEADLINE_MS = 5_000;

export function withTemporalDeadline<T>(client: Client, call: () => Promise<T>): Promise<T> {
  return client.connection.withDeadline(Date.now() + INGRESS_TEMPORAL_DEADLINE_MS, call);
}
