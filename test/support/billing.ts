import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { livenessHeartbeats } from '../../worker/liveness';
import { createActivities, withWritebackDrainer, type Activities, type WritebackDrainer } from '../../activities';
import { MailLoginHold } from '../../activities/mailLoginHold';
import type { FirmServices } from '../../activities/deps';
import {
  ClioTokenManager,
  createClioAuthorization,
  createClioConnector,
  type ClioHttp,
  type ClioTokens,
} from '../../connectors/clio';
import { PracticeSubscriptionRepository } from '../../store/practiceSubscriptions';
import { createLawPayProcessor } from '../../connectors/lawpay';
import { createOutboxMailer } from '../../connectors/mail';
import { VendorRejectedError, VendorUnavailableError } from '../../connectors/errors';
import { startClioSandbox, startLawPaySandbox, type ClioSandboxHandle, type LawPaySandboxHandle } from '../../sandbox';
import type { BillingPolicy } from '../../shared/billingPolicy';
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createSecretBox } from '../../store/encryption';
import { loadConfig } from '../../worker/config';
import { FirmRegistry, vendorLimiter, type FirmConnection } from '../../worker/firms';
import { buildIngress } from '../../worker/ingress/server';
import { createLogger } from '../../worker/logger';
import { createMetrics } from '../../worker/metrics';
import { createTestDatabase, type TestDatabase } from './db';
import { HEARTBEAT_TIMEOUTS_MODULE, bundle, uniqueTaskQueue } from './temporal';
import { waitFor } from './wait';
import { invoiceStatusQuery } from '../../shared/messages';
import { invoiceMemo, workflowIds } from '../../shared/workflowIds';
import { invoice } from '../../workflows';

/**
 * Unique per test file: files share one Temporal dev server, and the sandboxes number matters and invoices alike
 * in every file, so `matter/<firm>/1001` must not name another file's workflow (on another file's task queue).
 */
export const FIRM = `test-firm-${randomBytes(3).toString('hex')}`;
const DAY = 86_400_000;

export interface SandboxMatter {
  id: number;
  display_number: string;
  client_id: number;
}

/** A refused mail login holds logins for half a second here, up to two, not a minute: tests restore it and wait. */
export const TEST_MAIL_LOGIN_HOLD = { firstHoldMs: 500, longestHoldMs: 2_000 } as const;

/**
 * Real peers for workflow tests: the real activities, over HTTP to the Clio- and LawPay-style sandboxes, writing to
 * a fresh PostgreSQL database and an outbox of .eml files. Only Temporal's clock is fake (the time-skipping server).
 */
export class BillingHarness {
  readonly taskQueue = uniqueTaskQueue('billing');
  activities!: Activities;
  services!: FirmServices;
  firms!: FirmRegistry;
  /** Seals secrets (webhook shared secrets) for the harness's ingress and whatever the test stores. */
  readonly box = createSecretBox([randomBytes(32)]);
  /** The worker's write-back drain (the same as production's), over this harness's store and firm. */
  drainer!: WritebackDrainer;
  /** The Clio API as the firm's connection sees it, for tests that change the sandbox through the API itself. */
  clioHttp!: ClioHttp;
  private worker!: Worker;
  private running!: Promise<void>;

  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly database: TestDatabase,
    readonly clio: ClioSandboxHandle,
    readonly lawpay: LawPaySandboxHandle,
    readonly outboxDir: string,
  ) {}

  static async start(env: TestWorkflowEnvironment, options: { workflowsPath?: string } = {}): Promise<BillingHarness> {
    const database = await createTestDatabase();
    const clio = await startClioSandbox({ port: 0, webhookRetryBaseMs: 50 });
    // LawPay retries a delivery for hours; five tries 50 ms apart gave up within a second when the ingress answered 503
    // under a loaded npm test (paymentSafety's voided refund, CI run 6). Twelve tries span about three minutes.
    const lawpay = await startLawPaySandbox({ port: 0, webhookRetryBaseMs: 50, webhookMaxAttempts: 12 });
    const outboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-outbox-'));
    const harness = new BillingHarness(env, database, clio, lawpay, outboxDir);
    await harness.startWorker(options.workflowsPath ?? require.resolve('../../workflows'));
    return harness;
  }

  private async startWorker(workflowsPath: string): Promise<void> {
    const issued = this.clio.issueTokens();
    let tokens: ClioTokens = {
      accessToken: issued.access_token,
      refreshToken: issued.refresh_token,
      expiresAt: new Date(Date.now() + issued.expires_in * 1000),
    };
    const oauth = { clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret', baseUrl: this.clio.url };
    const clioTokens = new ClioTokenManager(oauth, {
      load: async () => tokens,
      save: async (next) => {
        tokens = next;
      },
    });
    const clio = createClioConnector({
      baseUrl: this.clio.url,
      tokens: clioTokens,
      subscriptions: new PracticeSubscriptionRepository(this.database.db, this.box).forFirm(FIRM),
    });
    this.clioHttp = clio.http;
    this.services = {
      firmId: FIRM,
      practice: clio.practice,
      processor: createLawPayProcessor({
        apiUrl: this.lawpay.url,
        secretKey: 'sandbox_secret_key',
        paymentPageUrl: this.lawpay.hostedPageUrl('operating'),
      }),
      mailer: createOutboxMailer({ dir: this.outboxDir, from: 'billing@firm.test' }),
      timeZone: 'America/New_York',
      publicBaseUrl: 'http://pay.firm.test',
      staffEmail: 'staff@firm.test',
      payLinkTtlMs: 90 * DAY,
    };
    this.firms = new FirmRegistry(
      new Map([[FIRM, { services: this.services, practiceAuth: createClioAuthorization(oauth) }]]),
    );
    const wired = withWritebackDrainer(
      {
        db: this.database.db,
        firm: (firmId) => this.firms.get(firmId),
        temporal: { client: this.env.client, taskQueue: this.taskQueue },
      },
      () => this.firms.ids(),
      { idleLookMs: 1_000 },
    );
    this.drainer = wired.drainer;
    this.activities = createActivities({ ...wired.deps, mailLoginHold: new MailLoginHold(TEST_MAIL_LOGIN_HOLD) });
    this.drainer.start();
    this.worker = await Worker.create({
      connection: this.env.nativeConnection,
      taskQueue: this.taskQueue,
      // Bundled as production bundles them (bin/bundle-workflows.js): modules preloaded and shared, failures encoded.
      workflowBundle: await bundle(workflowsPath, this.env.supportsTimeSkipping ? [] : [HEARTBEAT_TIMEOUTS_MODULE]),
      activities: this.activities,
      // As in production (worker/worker.ts): a running activity beats, so its heartbeat timeout only fires if it died.
      // The Java time-skipping server would fire a seconds-long heartbeat timeout at once: there, none is set.
      interceptors: { activity: [livenessHeartbeats] },
    });
    this.running = this.worker.run();
  }

  policy(overrides: Partial<BillingPolicy> = {}): BillingPolicy {
    return {
      debounceMs: 15 * 60_000,
      thresholdCents: 50_000,
      approval: 'none',
      reminderScheduleMs: [7 * DAY, 21 * DAY, 30 * DAY],
      timeZone: 'America/New_York',
      ...overrides,
    };
  }

  async control<T = unknown>(method: string, pathname: string, body?: unknown, base = this.clio.url): Promise<T> {
    const response = await fetch(`${base}${pathname}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${pathname}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  createMatter(
    body: {
      description?: string;
      client?: { name: string; email?: string | null };
      billing_method?: 'hourly' | 'flat' | 'contingency';
      flat_fee_cents?: number;
      billing_day?: number;
      trust_balance_cents?: number;
    } = {},
  ): Promise<SandboxMatter> {
    return this.control('POST', '/__sandbox/matters', {
      description: 'Estate planning',
      client: { name: 'Jane Smith', email: 'jane@client.test' },
      billing_method: 'hourly',
      ...body,
    });
  }

  async addEntry(
    matterId: number,
    hours: number,
    rateCents = 25_000,
    extra: { draft?: boolean; non_billable?: boolean } = {},
  ): Promise<string> {
    const { id } = await this.control<{ id: number }>('POST', '/__sandbox/activities', {
      matter_id: matterId,
      hours,
      rate_cents: rateCents,
      note: 'Drafting',
      ...extra,
    });
    return String(id);
  }

  /** An hourly draft for `amountCents` of approved time on the matter, in `period`: its invoice number. */
  async draftHourly(matter: SandboxMatter, amountCents: number, period = '2026-11'): Promise<string> {
    const entry = await this.addEntry(matter.id, amountCents / 20_000, 20_000);
    const drafted = await this.activities.draftInvoice({
      firmId: FIRM,
      matterId: String(matter.id),
      matterDisplayNumber: matter.display_number,
      kind: 'hourly',
      period,
      lines: [{ lineKey: `entry:${entry}`, description: 'time', amountCents }],
    });
    return drafted.invoiceNumber!;
  }

  /** That draft, with its invoice workflow started on this harness's worker and waited for until it is issued. */
  async issuedInvoice(matter: SandboxMatter, amountCents: number, period = '2026-11') {
    const number = await this.draftHourly(matter, amountCents, period);
    const handle = await this.env.client.workflow.start(invoice, {
      taskQueue: this.taskQueue,
      workflowId: workflowIds.invoice(FIRM, number),
      memo: invoiceMemo(number, matter.display_number),
      args: [{ firmId: FIRM, invoiceNumber: number, policy: this.policy() }],
    });
    await waitFor(async () => (await handle.query(invoiceStatusQuery)).status === 'issued', {
      what: 'the invoice to be issued',
      timeoutMs: 30_000,
      everyMs: 100,
    });
    return { number, handle };
  }

  /** The Clio-style sandbox's records, after the write-back queue has written what is due (as a firm would see them). */
  async clioState(): Promise<ClioState> {
    for (const firmId of this.firms.ids()) await this.drainer.drainNow(firmId);
    return this.control('GET', '/__sandbox/state');
  }

  async noteSubjects(matterId: number): Promise<string[]> {
    const state = await this.clioState();
    return state.notes.filter((n) => n.matter_id === matterId).map((n) => n.subject);
  }

  /** Emails in the outbox, oldest first, decoded as a person's mail client would show them. */
  async emails(): Promise<Array<{ to: string; subject: string; text: string }>> {
    const files = fs
      .readdirSync(this.outboxDir)
      .filter((f) => f.endsWith('.eml'))
      .map((f) => ({ f, at: fs.statSync(path.join(this.outboxDir, f)).mtimeMs }))
      .sort((a, b) => a.at - b.at)
      .map(({ f }) => f);
    return Promise.all(
      files.map(async (file) => {
        const mail = await simpleParser(fs.readFileSync(path.join(this.outboxDir, file)));
        const to = Array.isArray(mail.to) ? (mail.to[0]?.text ?? '') : (mail.to?.text ?? '');
        return { to, subject: mail.subject ?? '', text: mail.text ?? '' };
      }),
    );
  }

  /**
   * From now until the returned function is called, the firm's mail server refuses `address` for good (550: a
   * mailbox that does not exist, a mistyped staff address). The worker wraps the firm's mailer once
   * (activities/index.ts), so the refusal goes into the mailer itself.
   */
  refuseMailTo(address: string): () => void {
    const mailer = this.services.mailer;
    const send = mailer.send;
    mailer.send = async (message) => {
      if (message.to === address)
        throw new VendorRejectedError('smtp', `550 5.1.1 <${address}>: mailbox unavailable`, 550);
      return send.call(mailer, message);
    };
    return () => {
      mailer.send = send;
    };
  }

  /**
   * Makes the mail server refuse matterpay's own login (535, a password rotated or mistyped in SMTP_URL) for every
   * message, as connectors/mail/message.ts classifies it, until the returned function is called.
   */
  refuseMailLogin(): () => void {
    return this.failAllMail(
      () =>
        new VendorRejectedError(
          'smtp',
          'SMTP send failed (EAUTH 535): Invalid login: 535 5.7.8 Authentication failed for billing@firm.test',
          535,
          true,
        ),
    );
  }

  /** Makes the mail server unreachable (421: it may pass) for every message until the returned function is called. */
  mailOutage(): () => void {
    return this.failAllMail(
      () =>
        new VendorUnavailableError('smtp', 'SMTP send failed (ECONNECTION 421): 421 4.3.2 service not available', 421),
    );
  }

  /**
   * Makes one practice-system read answer 503 (Clio down for maintenance) until the returned function is called. The
   * worker calls the firm's practice connector itself, so the outage goes into it.
   */
  practiceOutage(read: 'getMatter' | 'listTrustLedger'): () => void {
    const practice = this.services.practice;
    const original = practice[read];
    practice[read] = async () => {
      throw new VendorUnavailableError('clio', `Clio ${read} failed (503): down for maintenance`, 503);
    };
    return () => {
      practice[read] = original as never;
    };
  }

  private failAllMail(failure: () => Error): () => void {
    const mailer = this.services.mailer;
    const send = mailer.send;
    mailer.send = async () => {
      throw failure();
    };
    return () => {
      mailer.send = send;
    };
  }

  /** The same, with the attachments each carries (the invoice or receipt PDF). */
  async emailsWithAttachments(): Promise<
    Array<{
      to: string;
      subject: string;
      text: string;
      attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
    }>
  > {
    const files = fs
      .readdirSync(this.outboxDir)
      .filter((f) => f.endsWith('.eml'))
      .sort();
    return Promise.all(
      files.map(async (file) => {
        const mail = await simpleParser(fs.readFileSync(path.join(this.outboxDir, file)));
        const to = Array.isArray(mail.to) ? (mail.to[0]?.text ?? '') : (mail.to?.text ?? '');
        return {
          to,
          subject: mail.subject ?? '',
          text: mail.text ?? '',
          attachments: mail.attachments.map((a) => ({
            filename: a.filename ?? '',
            contentType: a.contentType,
            content: a.content,
          })),
        };
      }),
    );
  }

  async invoiceRows(): Promise<Array<Record<string, unknown>>> {
    const { rows } = await this.database.db.query('SELECT * FROM invoices WHERE firm_id = $1 ORDER BY created_at', [
      FIRM,
    ]);
    return rows;
  }

  /** The real ingress in front of this harness's firm (webhooks, pay links), listening on a free port. */
  async startIngress(
    options: { temporal?: Client; extraFirms?: Array<[string, FirmConnection]>; env?: Record<string, string> } = {},
  ): Promise<{ url: string; close(): Promise<void> }> {
    const config = loadConfig(
      {
        FIRM_ID: FIRM,
        TEMPORAL_TASK_QUEUE: this.taskQueue,
        PUBLIC_BASE_URL: 'http://pay.firm.test',
        LOG_LEVEL: 'silent',
        ...options.env,
      },
      { dotenvPath: '/nonexistent' },
    );
    const box = this.box;
    // As in production, the ingress spends its own LawPay budget, with its own bounded queue.
    const lawpay = vendorLimiter(config, 'ingress', 'lawpay');
    const processor = createLawPayProcessor({
      apiUrl: this.lawpay.url,
      secretKey: 'sandbox_secret_key',
      paymentPageUrl: this.lawpay.hostedPageUrl('operating'),
      limiter: lawpay,
    });
    const own: FirmConnection = {
      ...this.firms.connection(FIRM),
      services: { ...this.services, processor },
      limiters: { lawpay },
    };
    const firms = new FirmRegistry(new Map([[FIRM, own], ...(options.extraFirms ?? [])]));
    const app = await buildIngress({
      config,
      temporal: options.temporal ?? this.env.client,
      db: this.database.db,
      logger: createLogger('silent'),
      metrics: createMetrics(),
      firms,
      box,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    this.ingressClosers.push(() => app.close());
    return { url, close: () => app.close() };
  }

  private readonly ingressClosers: Array<() => Promise<unknown>> = [];

  async teardown(): Promise<void> {
    for (const close of this.ingressClosers) await close().catch(() => undefined);
    await this.drainer?.stop();
    if (this.worker?.getState() === 'RUNNING') this.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.clio.close();
    await this.lawpay.close();
    await this.database.drop();
    fs.rmSync(this.outboxDir, { recursive: true, force: true });
  }
}

export interface ClioState {
  matters: Array<{
    id: number;
    status: string;
    client_reference: string | null;
    trust_balance_cents: number;
    custom_fields: Record<string, unknown>;
  }>;
  notes: Array<{ subject: string; detail: string | null; matter_id: number | null }>;
  request_counts: Record<string, number>;
}

/**
 * One BillingHarness for a whole test file: started before its tests on the given Temporal environment, torn down
 * (harness, then environment) after them. `ready` receives both once started, for the file's own set-up.
 */
export function useBillingHarness(
  environment: () => Promise<TestWorkflowEnvironment>,
  ready: (env: TestWorkflowEnvironment, harness: BillingHarness) => void | Promise<void>,
): void {
  let env: TestWorkflowEnvironment | undefined;
  let harness: BillingHarness | undefined;
  beforeAll(async () => {
    env = await environment();
    harness = await BillingHarness.start(env);
    await ready(env, harness);
  });
  afterAll(async () => {
    await harness?.teardown();
    await env?.teardown();
  });
}
