import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { migrate } from '../store/migrate';
import { createPool, type Db } from '../store/db';
import { startEmbeddedPostgres } from '../store/embedded';
import { createSecretBox, loadSecretKeys } from '../store/encryption';
import { connectToSandbox } from './clio/connect';
import { startSandboxesWhereNeeded } from './engine/sandboxes';
import { buildFirmRegistry, clioTokenStore } from './firms';
import type { Config } from './config';
import { ensureSearchAttributes } from './engine/search-attributes';
import { startTemporalDevServer } from './engine/temporal-dev-server';
import { startIngress } from './ingress/server';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import { ensureBillingRunSchedule, ensureSweepSchedule, ensureWebhookMaintenanceSchedule } from './schedules';
import { connectClient, connectWorkerConnection, temporalDataConverter } from './temporal';
import { registerWorkerWhenReachable } from './registerWorker';
import { whenReachable, whenTemporalAnswers } from './startupWait';
import { createWorker, installTemporalRuntime } from './worker';
import { withWritebackDrainer } from '../activities';

export interface StackParts {
  /** Which pieces to run in this process: `start` runs all, `worker` and `ingress` run one each. */
  worker: boolean;
  ingress: boolean;
  /** Start the embedded Temporal dev server / PostgreSQL when their variables are unset. */
  embedded: boolean;
  /** What the benchmarks count on the embedded servers: Temporal's request metrics, PostgreSQL's statement statistics. */
  diagnostics?: { temporalMetricsPort?: number; postgresStatementStats?: boolean };
}

export interface RunningStack {
  temporalAddress: string;
  temporalUiUrl: string | null;
  databaseUrl: string;
  ingressUrl: string | null;
  clioSandboxUrl: string | null;
  lawPaySandboxUrl: string | null;
  outboxDir: string | null;
  stop(): Promise<void>;
}

/**
 * Brings up matterpay. Each piece is skipped when configured to use a real one (docs/architecture.md §9): TEMPORAL_ADDRESS
 * replaces the dev server, DATABASE_URL the embedded PostgreSQL. Stops in reverse order of start.
 */
export async function startStack(config: Config, logger: Logger, parts: StackParts): Promise<RunningStack> {
  const stops: Array<{ name: string; stop: () => Promise<unknown> }> = [];
  const stop = async () => {
    for (const piece of stops.reverse()) {
      try {
        await piece.stop();
      } catch (err) {
        logger.warn({ err: (err as Error).message }, `stopping ${piece.name} failed`);
      }
    }
    stops.length = 0;
  };

  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      if (!parts.embedded)
        throw new Error('DATABASE_URL is not set (only `matterpay start` runs an embedded PostgreSQL)');
      logger.info('starting the embedded PostgreSQL');
      const pg = await startEmbeddedPostgres({
        dir: path.join(config.dataDir, 'postgres'),
        port: config.EMBEDDED_POSTGRES_PORT,
        settings: parts.diagnostics?.postgresStatementStats ? ['shared_preload_libraries=pg_stat_statements'] : [],
        log: (line) => logger.debug({ component: 'postgres' }, line),
      });
      stops.push({ name: 'PostgreSQL', stop: pg.stop });
      databaseUrl = pg.url;
    }
    const box = createSecretBox(
      loadSecretKeys(config.MATTERPAY_SECRET_KEYS, config.dataDir, {
        mayGenerate: parts.embedded && !config.TEMPORAL_ADDRESS,
      }),
    );
    const url = databaseUrl;
    const applied = await whenReachable(
      'PostgreSQL',
      'migrating',
      url.replace(/:\/\/[^@]*@/, '://'),
      () =>
        migrate(url, {
          lockWaitMs: config.MIGRATION_LOCK_WAIT,
          onWaiting: (message) => logger.warn(message),
          log: (line) => logger.debug({ component: 'migrate' }, line),
          box,
        }),
      logger,
    );
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    const db: Db = createPool(databaseUrl, {
      onIdleError: (err) => logger.warn({ err: err.message }, 'database connection lost; reconnecting on next use'),
    });
    stops.push({ name: 'database pool', stop: () => db.end() });

    let temporalAddress = config.TEMPORAL_ADDRESS;
    let temporalUiUrl: string | null = null;
    if (!temporalAddress) {
      if (!parts.embedded)
        throw new Error('TEMPORAL_ADDRESS is not set (only `matterpay start` runs an embedded Temporal server)');
      logger.info('starting the Temporal dev server');
      const server = await startTemporalDevServer({
        dbFile: path.join(config.dataDir, 'temporal.db'),
        sqlitePragmas: config.TEMPORAL_SQLITE_PRAGMAS,
        port: config.TEMPORAL_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        namespace: config.TEMPORAL_NAMESPACE,
        codecEndpoint: config.TEMPORAL_PAYLOAD_ENCRYPTION ? `${config.publicBaseUrl}/codec` : undefined,
        metricsPort: parts.diagnostics?.temporalMetricsPort,
        log: (line) => logger.debug({ component: 'temporal-server' }, line),
      });
      stops.push({ name: 'Temporal dev server', stop: server.stop });
      temporalAddress = server.address;
      temporalUiUrl = server.uiUrl;
    }

    installTemporalRuntime(logger);
    const dataConverter = temporalDataConverter(config);
    const address = temporalAddress;
    const client: Client = await whenTemporalAnswers(
      'connecting',
      address,
      () => connectClient(config, address, dataConverter),
      logger,
    );
    stops.push({ name: 'Temporal client', stop: () => client.connection.close() });
    if (config.TEMPORAL_ADDRESS) await ensureSearchAttributes(client, config.TEMPORAL_NAMESPACE, logger);

    const sandboxes = await startSandboxesWhereNeeded(config, { allowed: parts.embedded });
    stops.push({ name: 'sandboxes', stop: sandboxes.stop });
    const firms = buildFirmRegistry({
      config,
      db,
      box,
      endpoints: sandboxes.endpoints,
      logger,
      role: parts.worker ? 'worker' : 'ingress',
    });

    let ingressUrl: string | null = null;
    if (parts.ingress) {
      // Its own connectors: webhook re-fetches spend the ingress's share of each vendor budget, never the worker's.
      const ingressFirms = parts.worker
        ? buildFirmRegistry({ config, db, box, endpoints: sandboxes.endpoints, logger, role: 'ingress' })
        : firms;
      const ingress: { app: FastifyInstance; url: string } = await startIngress({
        config,
        temporal: client,
        db,
        logger,
        metrics: createMetrics(),
        firms: ingressFirms,
        box,
        codec: dataConverter?.payloadCodecs?.[0],
      });
      stops.push({ name: 'ingress', stop: () => ingress.app.close() });
      ingressUrl = ingress.url;
    }

    // With the Clio-style sandbox, connect and subscribe by ourselves: the same OAuth and webhook code a real
    // connection uses, minus the browser. Needs the ingress up, because Clio handshakes with it.
    if (parts.ingress) {
      for (const firmId of firms.ids()) {
        const connection = firms.connection(firmId);
        const tokens = clioTokenStore(db, box, firmId, connection.practiceAuth.baseUrl);
        if (sandboxes.clioSandboxUrl)
          await connectToSandbox({
            authorization: connection.practiceAuth,
            db,
            box,
            firmId,
            redirectUri: `${config.publicBaseUrl}/oauth/clio/callback`,
            sandboxIsNew: sandboxes.clioSandboxIsNew,
          });
        if (await tokens.load()) {
          await connection.services
            .maintainWebhooks?.()
            .catch((err: Error) =>
              logger.warn(
                { err: err.message, firmId },
                'could not set up the Clio webhooks; the daily upkeep will retry',
              ),
            );
        } else {
          logger.warn(
            { firmId },
            'Clio is not connected yet: run `matterpay connect clio` and open the link it prints',
          );
        }
      }
    }
    if (sandboxes.lawPaySandboxUrl && parts.ingress)
      await sandboxes.registerLawPayWebhook(`${config.publicBaseUrl}/webhooks/lawpay`);

    if (parts.worker) {
      const billingLog = logger.child({ component: 'billing' });
      const { deps, drainer } = withWritebackDrainer(
        {
          db,
          firm: (firmId) => firms.get(firmId),
          temporal: { client, taskQueue: config.TEMPORAL_TASK_QUEUE },
          logger: billingLog,
        },
        () => firms.ids(),
        {
          onError: (firmId, err) =>
            billingLog.warn({ firmId, err: (err as Error).message }, 'write-back drain failed; trying again shortly'),
        },
      );
      const { connection, worker }: { connection: NativeConnection; worker: Worker } =
        await registerWorkerWhenReachable({
          address,
          connect: () => connectWorkerConnection(config, address),
          create: (connection) =>
            createWorker({ config, connection, dataConverter, deps, logger: logger.child({ component: 'steps' }) }),
          logger,
        });
      drainer.start();
      for (const firmId of firms.ids()) {
        await whenTemporalAnswers(
          'creating the schedules',
          address,
          async () => {
            await ensureSweepSchedule(client, config, firmId, logger);
            await ensureWebhookMaintenanceSchedule(client, config, firmId);
            await ensureBillingRunSchedule(client, config, firmId);
          },
          logger,
        );
      }
      const running = worker.run();
      stops.push({
        name: 'worker',
        stop: async () => {
          await drainer.stop();
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running;
          await connection.close();
        },
      });
      running.catch((err: Error) => logger.error({ err: err.message }, 'the worker stopped with an error'));
    }

    return {
      temporalAddress,
      temporalUiUrl,
      databaseUrl,
      ingressUrl,
      stop,
      clioSandboxUrl: sandboxes.clioSandboxUrl,
      lawPaySandboxUrl: sandboxes.lawPaySandboxUrl,
      outboxDir: config.SMTP_URL ? null : path.join(config.dataDir, 'outbox'),
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
