/**
 * A worker process whose vendor call never returns (a slow vendor), with the production liveness heartbeats: the
 * killed-worker test SIGKILLs it in the middle of that call. Its activities get production's heartbeat timeouts. Prints `calling` once the call is under way.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { livenessHeartbeats } from '../../worker/liveness';

async function main(): Promise<void> {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.TASK_QUEUE!,
    workflowsPath: require.resolve('./slowVendorWorkflow'),
    interceptors: {
      activity: [livenessHeartbeats],
      workflowModules: [require.resolve('../../workflows/heartbeatTimeouts')],
    },
    activities: {
      async callVendor() {
        process.stdout.write('calling\n');
        await new Promise(() => undefined);
        return 'never';
      },
    },
  });
  process.stdout.write('ready\n');
  await worker.run();
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
