import type { NativeConnection } from '@temporalio/worker';
import { whenTemporalAnswers } from './startupWait';

/**
 * Connects and registers the worker, waiting for Temporal while it is unreachable, with a new connection for each
 * attempt. Temporal's core keeps a worker registered on its connection even when its registration failed (the
 * namespace could not be described), and refuses a second one on the same task queue ("Registration of multiple
 * workers with overlapping worker task types"): a worker restarted during a network cut, retrying on its first
 * connection, exited with that (chaos harness, seed 20261201).
 */
export async function registerWorkerWhenReachable<W>(options: {
  address: string;
  connect: () => Promise<NativeConnection>;
  create: (connection: NativeConnection) => Promise<W>;
  logger: Parameters<typeof whenTemporalAnswers>[3];
}): Promise<{ connection: NativeConnection; worker: W }> {
  return whenTemporalAnswers(
    'registering the worker',
    options.address,
    async () => {
      const connection = await options.connect();
      try {
        return { connection, worker: await options.create(connection) };
      } catch (err) {
        await connection.close().catch(() => undefined);
        throw err;
      }
    },
    options.logger,
  );
}
