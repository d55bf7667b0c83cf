import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { roleEnvironment, spawnRole, type RoleProcess } from '../../bench/chaos/roles';
import { TEST_SECRET_KEY } from '../support/codec';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startTcpProxy } from '../support/tcpProxy';

/**
 * Found by the chaos harness (seed 20261201, CI size): a worker restarted while the network to Temporal was cut
 * exited ("Namespace default was not found or otherwise could not be described: … tcp connect error") and its
 * supervisor restarted it again and again. A role starting during an outage waits for Temporal, saying so.
 */
let database: TestDatabase;
let dataDir: string;
let worker: RoleProcess | null = null;

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-outage-'));
});

afterAll(async () => {
  await worker?.stop();
  await database?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

it('a worker started while Temporal is unreachable waits for it and then runs', async () => {
  const [host, port] = process.env.TEST_TEMPORAL_ADDRESS!.split(':') as [string, string];
  const proxy = await startTcpProxy({ host, port: Number(port) });
  await proxy.cut();
  try {
    worker = spawnRole('worker', ['worker'], roleEnvironment({
      databaseUrl: database.url, temporalAddress: `127.0.0.1:${proxy.port}`, clioUrl: 'http://127.0.0.1:9', lawPayUrl: 'http://127.0.0.1:9',
      secretKey: TEST_SECRET_KEY, firmId: 'outage-firm', dataDir,
    }, { TEMPORAL_TASK_QUEUE: `outage-${process.pid}` }));
    await worker.waitForOutput('is unreachable', 60_000);
    await proxy.restore();
    await worker.waitForOutput('matterpay is running', 90_000);
    expect(worker.child.exitCode).toBeNull();
  } finally {
    await proxy.stop();
  }
});
