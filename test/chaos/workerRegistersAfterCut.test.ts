import { NativeConnection, Worker } from '@temporalio/worker';
import { registerWorkerWhenReachable } from '../../worker/registerWorker';
import { startTcpProxy } from '../support/tcpProxy';

/**
 * Found by the chaos harness (seed 20261201, CI size, inside `npm test`): a worker restarted just before the 30 s
 * network cut connected, then failed to register ("Namespace default was not found or otherwise could not be
 * described"), waited for Temporal, and on its retry exited with "Registration of multiple workers with overlapping
 * worker task types". Here the cut lands between connecting and registering, every time.
 */
const quiet = { warn: () => undefined };

async function throughCut() {
  const [host, port] = process.env.TEST_TEMPORAL_ADDRESS!.split(':') as [string, string];
  const proxy = await startTcpProxy({ host, port: Number(port) });
  const taskQueue = `register-after-cut-${process.pid}-${Math.random().toString(36).slice(2)}`;
  let attempts = 0;
  /** The first registration meets the cut (restored once it has failed); later ones find Temporal back. */
  const create = async (connection: NativeConnection) => {
    attempts++;
    if (attempts > 1) return Worker.create({ connection, taskQueue, activities: { noop: async () => undefined } });
    await proxy.cut();
    try {
      return await Worker.create({ connection, taskQueue, activities: { noop: async () => undefined } });
    } finally {
      await proxy.restore();
    }
  };
  return { proxy, create, address: `127.0.0.1:${proxy.port}`, attempts: () => attempts };
}

it("Temporal's core refuses a second registration on a connection whose first one failed (why each attempt connects anew)", async () => {
  const { proxy, create, address } = await throughCut();
  const connection = await NativeConnection.connect({ address });
  try {
    await expect(create(connection)).rejects.toThrow();
    await expect(create(connection)).rejects.toThrow(/Registration of multiple workers/);
  } finally {
    await connection.close().catch(() => undefined);
    await proxy.stop();
  }
}, 120_000);

it('a worker whose Temporal goes away between connecting and registering waits, then registers on a new connection', async () => {
  const { proxy, create, address, attempts } = await throughCut();
  try {
    const { connection, worker } = await registerWorkerWhenReachable({
      address,
      connect: () => NativeConnection.connect({ address }),
      create,
      logger: quiet,
    });
    expect(attempts()).toBe(2);
    const running = worker.run();
    worker.shutdown();
    await running;
    await connection.close();
  } finally {
    await proxy.stop();
  }
}, 120_000);
