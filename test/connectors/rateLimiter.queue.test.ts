import { VendorUnavailableError } from '../../connectors/errors';
import { HeaderDrivenRateLimiter, RateLimiterQueueFullError } from '../../connectors/shared/rateLimiter';

/**
 * The vendor limiter's queue is bounded (issue 10, finding 2): once `maxQueued` calls wait, the next one fails at
 * once with a retryable error (the ingress answers 503, an activity is retried later) and the queue never grows.
 */
describe('a bounded limiter queue', () => {
  it('fails the call past the bound at once, with a retryable error, and never queues more than the bound', async () => {
    const limiter = new HeaderDrivenRateLimiter(1, Date.now, { maxQueued: 3 });
    try {
      expect(await limiter.schedule(async () => 'sent')).toBe('sent');
      const waiting = [1, 2, 3].map(() => limiter.schedule(async () => 'sent later'));
      waiting.forEach((p) => p.catch(() => undefined));
      const overflow = limiter.schedule(async () => 'never sent');
      const outcome = await Promise.race([
        overflow.then(
          () => 'sent',
          (err: unknown) => err,
        ),
        new Promise((resolve) => setTimeout(() => resolve('still queued after 2 s'), 2_000)),
      ]);
      expect(outcome).toBeInstanceOf(RateLimiterQueueFullError);
      expect(outcome).toBeInstanceOf(VendorUnavailableError);
      expect(limiter.stats()).toEqual({ queued: 3, peakQueued: 3, rejected: 1 });
    } finally {
      await limiter.stop();
    }
  });

  it('gives up on a call that waited longer than maxWaitMs, with the same retryable error', async () => {
    const limiter = new HeaderDrivenRateLimiter(1, Date.now, { maxQueued: 10, maxWaitMs: 200 });
    try {
      await limiter.schedule(async () => 'spends the budget');
      await expect(limiter.schedule(async () => 'waits for a minute')).rejects.toBeInstanceOf(
        RateLimiterQueueFullError,
      );
      expect(limiter.stats().queued).toBe(0);
    } finally {
      await limiter.stop();
    }
  });
});
