/**
 * A second matterpay worker process for the concurrency test: the real activities over its own database pool and its
 * own Clio connection, polling the same task queue as the test's worker. Configured by environment; prints `ready`.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { FirmServices } from '../../activities/deps';
import { ClioTokenManager, createClioConnector, type ClioTokens } from '../../connectors/clio';
import { createLawPayProcessor } from '../../connectors/lawpay';
import { createOutboxMailer } from '../../connectors/mail';
import { createPool } from '../../store/db';
import { livenessHeartbeats } from '../../worker/liveness';

async function main(): Promise<void> {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const clioUrl = env('CLIO_URL');
  const issued = (await (await fetch(`${clioUrl}/__sandbox/tokens`, { method: 'POST' })).json()) as {
    access_token: string;
    refresh_token: string;
    expires_in: number;
  };
  let tokens: ClioTokens = {
    accessToken: issued.access_token,
    refreshToken: issued.refresh_token,
    expiresAt: new Date(Date.now() + issued.expires_in * 1000),
  };
  const oauth = { clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret', baseUrl: clioUrl };
  const clio = createClioConnector({
    baseUrl: clioUrl,
    tokens: new ClioTokenManager(oauth, {
      load: async () => tokens,
      save: async (next) => {
        tokens = next;
      },
    }),
  });
  const lawpayUrl = env('LAWPAY_URL');
  const services: FirmServices = {
    firmId: env('FIRM_ID'),
    practice: clio.practice,
    processor: createLawPayProcessor({
      apiUrl: lawpayUrl,
      secretKey: 'sandbox_secret_key',
      paymentPageUrl: `${lawpayUrl}/pages/sandbox/operating`,
    }),
    mailer: createOutboxMailer({ dir: env('OUTBOX_DIR'), from: 'billing@firm.test' }),
    timeZone: 'America/New_York',
    publicBaseUrl: 'http://pay.firm.test',
    staffEmail: 'staff@firm.test',
    payLinkTtlMs: 90 * 86_400_000,
  };
  const db = createPool(env('DATABASE_URL'), { max: 5 });
  let decided = 0;
  const activities = createActivities({ db, firm: () => services });
  const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
  const worker = await Worker.create({
    connection,
    taskQueue: env('TASK_QUEUE'),
    workflowsPath: require.resolve('../../workflows'),
    interceptors: { activity: [livenessHeartbeats] },
    activities: {
      ...activities,
      drawTrust: async (input: { firmId: string; invoiceNumber: string }) => {
        decided += 1;
        return activities.drawTrust(input);
      },
    },
  });
  process.on('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
  process.stdout.write(`decided ${decided}\n`);
  await db.end();
  await connection.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
