import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection, WorkflowClient } from '@temporalio/client';
import { dataConverterFor } from '../../worker/codec';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../store/embedded';
import {
  startTemporalDevServer,
  startTemporalDevServerOnFreePorts,
  type DevServerHandle,
} from '../../worker/engine/temporal-dev-server';
import { startTcpProxy } from '../../test/support/tcpProxy';
import { freePort } from '../../test/support/ports';
import { roleEnvironment, spawnRole, type RoleEndpoints, type RoleProcess } from './roles';

const RUN_TS = path.resolve(__dirname, '../../bin/run-ts.js');

/** The vendors' own process: started once, never killed until the run is over. */
export async function startVendorsProcess(): Promise<{ clio: string; lawpay: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [RUN_TS, path.join(__dirname, 'vendors.ts')], {
    env: { ...process.env, SANDBOX_WEBHOOK_RETRY_BASE_MS: '2000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = await new Promise<{ clio: string; lawpay: string }>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = output.split('\n').find((l) => l.startsWith('{"ready"'));
      if (line) resolve(JSON.parse(line) as { clio: string; lawpay: string });
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('exit', (code) => reject(new Error(`the vendors process exited (${code}): ${output}`)));
  });
  return {
    ...ready,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** PostgreSQL on a fixed port and data folder, so a restart is the same database at the same address. */
export async function startRestartablePostgres(dataDir: string) {
  const port = await freePort();
  const dir = path.join(dataDir, 'postgres');
  let handle: EmbeddedPostgresHandle = await startEmbeddedPostgres({ dir, port });
  return {
    url: handle.url,
    async restart(downMs: number) {
      await handle.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      handle = await startEmbeddedPostgres({ dir, port });
    },
    stop: () => handle.stop(),
  };
}

/**
 * The Temporal dev server on its SQLite file, reached by every role through a TCP proxy the harness can cut (the
 * network to Temporal down) without stopping the server.
 */
export async function startRestartableTemporal(dataDir: string, secretKey: string) {
  const dbFile = path.join(dataDir, 'temporal.db');
  let server: DevServerHandle = await startTemporalDevServerOnFreePorts({ dbFile, namespace: 'default' }, freePort);
  // A restart comes back on the same ports: the roles' proxy and the Web UI address stay as they were.
  const ports = { frontend: Number(server.address.split(':').pop()), ui: Number(new URL(server.uiUrl).port) };
  const start = () => startTemporalDevServer({ dbFile, port: ports.frontend, uiPort: ports.ui, namespace: 'default' });
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: ports.frontend });
  const connection = await Connection.connect({ address: server.address });
  return {
    /** What the roles use: through the proxy. */
    address: `127.0.0.1:${proxy.port}`,
    /** The harness's own view, straight to the server. */
    client: new WorkflowClient({
      connection,
      namespace: 'default',
      dataConverter: dataConverterFor([Buffer.from(secretKey, 'base64')]),
    }),
    connection,
    async restart(downMs: number) {
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await start();
    },
    cutNetwork: () => proxy.cut(),
    restoreNetwork: () => proxy.restore(),
    async stop() {
      await connection.close().catch(() => undefined);
      await proxy.stop();
      await server.stop();
    },
  };
}

/** The ingress and the workers: matterpay's production roles, each its own OS process, respawned after a kill. */
export class Roles {
  readonly workers: RoleProcess[] = [];
  ingress: RoleProcess | null = null;
  private spawned = 0;

  constructor(
    private readonly endpoints: RoleEndpoints,
    private readonly extraEnv: Record<string, string>,
    private readonly ingressPort: number,
    private readonly publicBaseUrl: string,
  ) {
    fs.mkdirSync(path.join(endpoints.dataDir, 'logs'), { recursive: true });
  }

  private logFile(name: string): string {
    return path.join(this.endpoints.dataDir, 'logs', `${name.replace(/[^a-z0-9#-]/gi, '_')}.log`);
  }

  private env(role: string): Record<string, string> {
    return roleEnvironment(this.endpoints, {
      ...this.extraEnv,
      ...(role === 'ingress' ? { INGRESS_PORT: String(this.ingressPort), INGRESS_HOST: '127.0.0.1' } : {}),
      PUBLIC_BASE_URL: this.publicBaseUrl,
    });
  }

  spawnWorker(slot: number): RoleProcess {
    const name = `worker-${slot}#${++this.spawned}`;
    const worker = spawnRole(name, ['worker'], this.env('worker'), { logFile: this.logFile(name) });
    this.workers[slot] = worker;
    return worker;
  }

  spawnIngress(): RoleProcess {
    const name = `ingress#${++this.spawned}`;
    this.ingress = spawnRole(name, ['ingress'], this.env('ingress'), { logFile: this.logFile(name) });
    return this.ingress;
  }

  /** Starts every role at the same moment (they wait for each other's migration) and resolves once all run. */
  async startAll(workerCount: number): Promise<void> {
    const started = [this.spawnIngress(), ...Array.from({ length: workerCount }, (_, i) => this.spawnWorker(i))];
    await Promise.all(started.map((role) => role.waitForOutput('matterpay is running', 120_000)));
  }

  /** A one-off admin command (`matterpay link …`), as an operator runs it. */
  async admin(args: string[]): Promise<{ code: number | null; output: string }> {
    const role = spawnRole(
      `admin ${args[0]}`,
      args,
      roleEnvironment(this.endpoints, { ...this.extraEnv, PUBLIC_BASE_URL: this.publicBaseUrl, LOG_LEVEL: 'warn' }),
    );
    const exit = await role.exited;
    return { code: exit.code, output: role.output() };
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.workers, this.ingress].filter((r): r is RoleProcess => r !== null).map((r) => r.stop()));
  }
}
