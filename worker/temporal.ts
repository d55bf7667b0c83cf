import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import type { Config } from './config';

/** Connection options for Temporal: the embedded dev server, a self-hosted cluster, or Temporal Cloud (TLS + API key). */
function connectionOptions(config: Config, address: string) {
  return {
    address,
    tls: config.TEMPORAL_TLS || Boolean(config.TEMPORAL_API_KEY) ? {} : undefined,
    apiKey: config.TEMPORAL_API_KEY,
  };
}

export async function connectClient(config: Config, address: string, dataConverter?: DataConverter): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(config, address));
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
}

export { temporalDataConverter } from './codec';

export async function connectWorkerConnection(config: Config, address: string): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config, address));
}
