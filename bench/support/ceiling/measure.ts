import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { percentile } from '../timing';
import * as activities from './activities';
import { oneActivity } from './workflows';

export interface CeilingFigure {
  inFlight: number;
  completed: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * The engine's own ceiling on this server: one-activity workflows run back to back by `inFlight` callers against a
 * trivial worker with the SDK's defaults (what a new user's first worker is), for `seconds` each. Nothing of
 * matterpay runs meanwhile, so the figure is the server's (and the SDK's), not ours.
 */
export async function measureCeiling(options: {
  client: Client;
  address: string;
  namespace: string;
  seconds: number;
  inFlight: number[];
}): Promise<CeilingFigure[]> {
  const taskQueue = `ceiling-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address: options.address });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue,
    workflowsPath: path.join(__dirname, 'workflows.ts'),
    activities,
  });
  // The SDK's default data converter, as a new user's client has: matterpay's codec is not part of the engine.
  const client = new Client({ connection: options.client.connection, namespace: options.namespace });
  const figures: CeilingFigure[] = [];
  try {
    await worker.runUntil(async () => {
      for (const inFlight of options.inFlight) {
        const latencies: number[] = [];
        const endAt = Date.now() + options.seconds * 1000;
        const started = Date.now();
        await Promise.all(
          Array.from({ length: inFlight }, async () => {
            while (Date.now() < endAt) {
              const t = Date.now();
              await client.workflow.execute(oneActivity, {
                taskQueue,
                workflowId: `ceiling-${randomUUID()}`,
                args: ['ok'],
              });
              latencies.push(Date.now() - t);
            }
          }),
        );
        const wallMs = Date.now() - started;
        figures.push({
          inFlight,
          completed: latencies.length,
          perSecond: latencies.length / (wallMs / 1000),
          p50Ms: percentile(latencies, 50),
          p99Ms: percentile(latencies, 99),
        });
      }
    });
  } finally {
    await connection.close();
  }
  return figures;
}
