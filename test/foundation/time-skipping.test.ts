import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundle, timeSkippingEnvironment, uniqueTaskQueue } from '../support/temporal';
import { waitThirtyDays } from '../fixtures/foundation-workflows';

describe('time-skipping environment (Java test server from the tools cache)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('completes a workflow that waits 30 days in seconds of real time', async () => {
    const taskQueue = uniqueTaskQueue('time-skip');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundle(require.resolve('../fixtures/foundation-workflows')),
    });
    const realStart = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute(waitThirtyDays, { taskQueue, workflowId: `wait-${taskQueue}` }),
    );
    const workflowDays = (result.finishedAt - result.startedAt) / 86_400_000;
    expect(workflowDays).toBeGreaterThanOrEqual(30);
    expect(Date.now() - realStart).toBeLessThan(60_000);
  });
});
