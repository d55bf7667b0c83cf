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
 * supervisor restarted it again and again; one restarted while PostgreSQL restarted exited with "read ECONNRESET".
 * A role starting during an outage of either waits for it, saying so.
 */
let database: TestDatabase;
let dataDir: string;
const workers: RoleProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-outage-'));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await database?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

it('a worker started while Temporal is unreachable waits for it and then runs', async () => {
  const [host, port] = process.env.TEST_TEMPORAL_ADDRESS!.split(':') as [string, string];
  const proxy = await startTcpProxy({ host, port: Number(port) });
  await proxy.cut();
  try {
    const worker = spawnRole(
      'worker',
      ['worker'],
      roleEnvironment(
        {
          databaseUrl: database.url,
          temporalAddress: `127.0.0.1:${proxy.port}`,
          clioUrl: 'http://127.0.0.1:9',
          lawPayUrl: 'http://127.0.0.1:9',
          secretKey: TEST_SECRET_KEY,
          firmId: 'outage-firm',
          dataDir,
        },
        { TEMPORAL_TASK_QUEUE: `outage-${process.pid}` },
      ),
    );
    workers.push(worker);
    await worker.waitForOutput('Temporal at', 60_000);
    await proxy.restore();
    await worker.waitForOutput('matterpay is running', 90_000);
    expect(worker.child.exitCode).toBeNull();
  } finally {
    await proxy.stop();
  }
});

it('a worker started while PostgreSQL is unreachable waits for it and then runs', async () => {
  const target = new URL(database.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  await proxy.cut();
  try {
    const throughProxy = new URL(database.url);
    throughProxy.port = String(proxy.port);
    const worker = spawnRole(
      'worker',
      ['worker'],
      roleEnvironment(
        {
          databaseUrl: throughProxy.toString(),
          temporalAddress: process.env.TEST_TEMPORAL_ADDRESS!,
          clioUrl: 'http://127.0.0.1:9',
          lawPayUrl: 'http://127.0.0.1:9',
          secretKey: TEST_SECRET_KEY,
          firmId: 'outage-firm',
          dataDir,
        },
        { TEMPORAL_TASK_QUEUE: `outage-pg-${process.pid}` },
      ),
    );
    workers.push(worker);
    await worker.waitForOutput('PostgreSQL at', 60_000);
    await proxy.restore();
    await worker.waitForOutput('matterpay is running', 90_000);
    expect(worker.child.exitCode).toBeNull();
  } finally {
    await proxy.stop();
  }
});
