import type { StatusObject } from '@grpc/grpc-js';
import { waitForTemporal } from '../../worker/commands/temporalWait';

/** The admin commands' wait for an unreachable Temporal: bounded, said once, and only for "unreachable". */
const status = (
  code: number,
  details = 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:7233',
): StatusObject => ({
  code,
  details,
  metadata: undefined as never,
});
const UNAVAILABLE = 14;
const INVALID_ARGUMENT = 3;

it('waits for an unreachable Temporal up to the bound, saying once what it waits for, then gives up saying so', () => {
  const told: string[] = [];
  const { retries } = waitForTemporal('temporal.firm.test:7233', (line) => told.push(line), 5_000);
  const decisions = [1, 2, 3, 4, 5].map((attempt) => retries.retryableDecider(attempt, status(UNAVAILABLE)));
  expect(decisions).toEqual([true, true, true, true, false]);
  expect(retries.delayFunction(1, status(UNAVAILABLE))).toBe(1_000);
  expect(told).toEqual([
    'Temporal at temporal.firm.test:7233 is unreachable; waiting for it, up to 5 s (Ctrl-C stops)',
    'gave up waiting for Temporal at temporal.firm.test:7233 after 5 s',
  ]);
});

it('does not wait on a refusal: a bad request fails at once', () => {
  const told: string[] = [];
  const { retries } = waitForTemporal('temporal.firm.test:7233', (line) => told.push(line), 60_000);
  expect(retries.retryableDecider(1, status(INVALID_ARGUMENT))).toBe(false);
  expect(told).toEqual([]);
});

it('stops retrying once the command closes, and lets the retry that is due run before the channel closes', async () => {
  const wait = waitForTemporal('temporal.firm.test:7233', () => undefined, 60_000);
  const due = wait.retries.delayFunction(1, status(UNAVAILABLE));
  const closing = wait.quiesce();
  expect(wait.retries.retryableDecider(2, status(UNAVAILABLE))).toBe(false);
  let settled = false;
  void closing.then(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, due / 2));
  expect(settled).toBe(false);
  await closing;
});

it('keeps the client\'s own short retries for a server that answers "unavailable" (reachable, but sick)', () => {
  const told: string[] = [];
  const { retries } = waitForTemporal('temporal.firm.test:7233', (line) => told.push(line), 60_000);
  expect(retries.retryableDecider(10, status(UNAVAILABLE, 'shard status unknown'))).toBe(false);
  expect(told).toEqual([]);
});
