import { spawn } from 'node:child_process';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { livenessHeartbeats } from '../../worker/liveness';
import { waitFor } from '../support/sandboxes';
import { bundle, devServerEnvironment, HEARTBEAT_TIMEOUTS_MODULE, uniqueTaskQueue } from '../support/temporal';
import { workflowRefsOf } from '../support/workflowStarts';

const slowVendor = workflowRefsOf<typeof import('./slowVendorWorkflow')>();

/**
 * Found by the chaos harness (seed 1, `npm run chaos -- --payments 30 --seed 1 --kills 3`): a worker SIGKILLed in the
 * middle of vendor calls left them "started" on a dead process until their 2-minute start-to-close timeout, so the
 * invoices and payments they were for waited two minutes. With liveness heartbeats the call is handed to another
 * worker when the beats stop: the first attempt ends in a heartbeat timeout, not a start-to-close one. Both workers
 * run as production's do: liveness beats, and the heartbeat timeouts of workflows/heartbeatTimeouts.ts.
 */

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await devServerEnvironment();
});

afterAll(async () => {
  await env?.teardown();
});

it('retries a vendor call from a killed worker on another worker once its heartbeats stop', async () => {
  const taskQueue = uniqueTaskQueue('killed-worker');
  const child = spawn(
    process.execPath,
    [path.resolve(__dirname, '../../bin/run-ts.js'), path.join(__dirname, 'killedWorkerProcess.ts')],
    {
      env: { ...process.env, TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS, TASK_QUEUE: taskQueue },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await waitFor(() => output.includes('ready'), { timeoutMs: 60_000, what: 'the doomed worker' });
    const handle = await env.client.workflow.start(slowVendor('oneVendorCall'), {
      taskQueue,
      workflowId: `killed-worker-${Date.now()}`,
    });
    await waitFor(() => output.includes('calling'), { timeoutMs: 30_000, what: 'the vendor call to start' });
    child.kill('SIGKILL');
    await exited;

    // A healthy worker joins the queue: it must get the call once the dead one's beats stop.
    const survivor = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundle(require.resolve('./slowVendorWorkflow'), [HEARTBEAT_TIMEOUTS_MODULE]),
      interceptors: { activity: [livenessHeartbeats] },
      activities: { callVendor: async () => 'done by the survivor' },
    });
    const firstFailure = await survivor.runUntil(async () => {
      let failure: temporal.api.failure.v1.IFailure | null | undefined;
      await waitFor(
        async () => {
          const pending = (await handle.describe()).raw.pendingActivities?.[0];
          failure = pending?.lastFailure ?? failure;
          return failure ?? (await handle.describe()).status.name === 'COMPLETED';
        },
        { timeoutMs: 110_000, everyMs: 200, what: 'the dead attempt to time out' },
      );
      expect(await handle.result()).toBe('done by the survivor');
      return failure;
    });
    expect(firstFailure?.timeoutFailureInfo?.timeoutType).toBe(
      temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT,
    );
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 180_000);
