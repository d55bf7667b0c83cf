import { ServiceError } from '@temporalio/client';
import { whenTemporalAnswers } from '../../worker/startupWait';

/**
 * Found by the chaos harness (seed 20261201, CI size): a worker restarted after a SIGKILL was creating its schedules
 * when the Temporal dev server restarted and the network to it was cut; it exited with "matterpay could not start"
 * ("Failed to update schedule") instead of waiting, because the client wraps the gRPC error that says Temporal is
 * unreachable in a ServiceError whose own message does not say so. The wait reads the whole cause chain.
 */
it('waits when Temporal is unreachable behind a wrapped client error, as when a schedule update meets an outage', async () => {
  const unreachable = Object.assign(
    new Error('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:40121'),
    { code: 14 },
  );
  const warned: string[] = [];
  let attempts = 0;
  const created = await whenTemporalAnswers(
    'creating the schedules',
    '127.0.0.1:40121',
    async () => {
      if (++attempts === 1) throw new ServiceError('Failed to update schedule', { cause: unreachable });
      return 'schedules created';
    },
    { warn: (_meta: object, message: string) => warned.push(message) },
  );
  expect(created).toBe('schedules created');
  expect(warned).toEqual([
    expect.stringMatching(/^Temporal at 127\.0\.0\.1:40121 is unreachable \(creating the schedules\)/),
  ]);
});

it('still fails at once on a wrapped refusal that is not about reaching Temporal', async () => {
  const refusal = Object.assign(new Error('3 INVALID_ARGUMENT: schedule spec is invalid'), { code: 3 });
  await expect(
    whenTemporalAnswers(
      'creating the schedules',
      '127.0.0.1:40121',
      async () => {
        throw new ServiceError('Failed to update schedule', { cause: refusal });
      },
      { warn: () => undefined },
    ),
  ).rejects.toThrow('Failed to update schedule');
});
