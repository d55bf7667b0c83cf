import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import ms from 'ms';
import { z } from 'zod';
import { PROCESSOR_NAMES } from '../shared/processors';

/**
 * The whole environment of matterpay in one schema. Every variable is optional: the defaults run the embedded
 * stack (local Temporal dev server, embedded PostgreSQL, sandboxes). Setting TEMPORAL_ADDRESS, DATABASE_URL or a
 * vendor's credentials replaces that piece with the real one.
 */

const duration = (example: string) =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      const parsed = ms(value as ms.StringValue);
      if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed <= 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a positive duration such as "${example}" (units: s, m, h, d)`,
        });
        return z.NEVER;
      }
      return parsed;
    });

const durationList = (example: string) =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      const parts = value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
      const millis = parts.map((part) => ms(part as ms.StringValue));
      if (parts.length === 0 || millis.some((m) => typeof m !== 'number' || !Number.isFinite(m) || m <= 0)) {
        ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of durations such as "${example}"` });
        return z.NEVER;
      }
      if (millis.some((m, i) => i > 0 && m <= millis[i - 1]!)) {
        ctx.addIssue({ code: 'custom', message: `must list durations in increasing order, such as "${example}"` });
        return z.NEVER;
      }
      return millis as number[];
    });

/** `600/1m`: at most 600 requests per minute. */
const rateLimit = (example: string) =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      const match = /^(\d+)\s*\/\s*(\S+)$/.exec(value);
      const windowMs = match ? ms(match[2] as ms.StringValue) : undefined;
      if (
        !match ||
        Number(match[1]) < 1 ||
        typeof windowMs !== 'number' ||
        !Number.isFinite(windowMs) ||
        windowMs <= 0
      ) {
        ctx.addIssue({ code: 'custom', message: `must be a count per duration such as "${example}"` });
        return z.NEVER;
      }
      return { max: Number(match[1]), windowMs };
    });
const count = (example: number) =>
  z.coerce
    .number({ error: `must be a whole number such as ${example}` })
    .int(`must be a whole number such as ${example}`)
    .positive(`must be a whole number above zero such as ${example}`);

const port = z.coerce
  .number({ error: 'must be a TCP port between 1 and 65535' })
  .int('must be a TCP port between 1 and 65535')
  .min(1, 'must be a TCP port between 1 and 65535')
  .max(65535, 'must be a TCP port between 1 and 65535');
const url = z.string().trim().url('must be a full URL such as "https://example.com"');
const positiveCents = z.coerce
  .number({ error: 'must be a whole number of cents, such as 50000 for $500.00' })
  .int('must be a whole number of cents, such as 50000 for $500.00')
  .positive('must be a positive number of cents, such as 50000 for $500.00');
const flag = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');
const timeZone = z
  .string()
  .trim()
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as "America/New_York"');

export const envSchema = z
  .object({
    // Where data lives when nothing external is configured.
    MATTERPAY_DATA_DIR: z.string().trim().min(1).default('.data'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    FIRM_ID: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be lowercase letters, digits and dashes, such as "smith-law"')
      .default('demo-firm'),
    FIRM_TIMEZONE: timeZone.default('America/New_York'),
    /** The firm's one currency (ISO 4217): a payment in another is parked with an alert, never applied. */
    FIRM_CURRENCY: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as USD')
      .default('USD'),

    // Temporal. Unset TEMPORAL_ADDRESS = the embedded dev server.
    TEMPORAL_ADDRESS: z
      .string()
      .trim()
      .regex(/^[^\s:]+:\d+$/, 'must be host:port such as "temporal.internal:7233"')
      .optional(),
    TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('matterpay'),
    TEMPORAL_API_KEY: z.string().trim().min(1).optional(),
    TEMPORAL_TLS: flag.default(false),
    /** How long an admin command waits for an unreachable Temporal (restarting, cut off) before it gives up. */
    TEMPORAL_WAIT: duration('2m').default(ms('2m')),
    TEMPORAL_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),
    /** Workflows a worker keeps in memory between their tasks (the sticky cache); unset = worker/worker.ts's default. */
    TEMPORAL_MAX_CACHED_WORKFLOWS: z.coerce
      .number({ error: 'must be a whole number of workflows, such as 500' })
      .int('must be a whole number of workflows, such as 500')
      .min(0, 'must be 0 (no cache) or more')
      .optional(),
    /**
     * Workflow tasks and local activities a worker runs at once; unset = the SDK's (40, 100). Fewer cost less CPU per
     * payment but hold each one longer (bench/README.md, *Payments, run 10*): set them only after measuring.
     */
    TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce
      .number({ error: 'must be a whole number of workflow tasks, such as 8' })
      .int('must be a whole number of workflow tasks, such as 8')
      .min(2, 'must be 2 or more (one for the sticky queue, one for the normal queue)')
      .optional(),
    TEMPORAL_MAX_CONCURRENT_LOCAL_ACTIVITIES: z.coerce
      .number({ error: 'must be a whole number of local activities, such as 16' })
      .int('must be a whole number of local activities, such as 16')
      .min(1, 'must be 1 or more')
      .optional(),

    /**
     * SQLite pragmas of the embedded dev server's file (`npm start` only; a firm's server runs Temporal on
     * PostgreSQL). WAL with synchronous=normal doubles the engine's throughput here; the README's *Embedded Temporal's
     * SQLite settings* says what a power cut can lose with it. `none` = SQLite's own (rollback journal, full sync).
     */
    TEMPORAL_SQLITE_PRAGMAS: z
      .string()
      .trim()
      .default('journal_mode=wal,synchronous=normal')
      .transform((value, ctx) => {
        if (value.toLowerCase() === 'none') return [];
        const pragmas = value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean);
        const wrong = pragmas.find((pragma) => !/^[a-z_]+=[a-z0-9_]+$/i.test(pragma));
        if (wrong !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `"${wrong}" is not a pragma: use comma-separated name=value pairs such as "journal_mode=wal,synchronous=normal"`,
          });
          return z.NEVER;
        }
        return pragmas;
      }),

    // PostgreSQL. Unset DATABASE_URL = the embedded PostgreSQL under the data dir.
    DATABASE_URL: z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
      .optional(),
    EMBEDDED_POSTGRES_PORT: port.default(5499),
    /** How long a starting role waits for another replica's migration (replicas may start together). */
    MIGRATION_LOCK_WAIT: duration('5m').default(ms('5m')),

    // Ingress (webhooks, pay links, OAuth callback, health).
    INGRESS_HOST: z.string().trim().min(1).default('127.0.0.1'),
    INGRESS_PORT: port.default(8787),
    PUBLIC_BASE_URL: url.optional(),
    /** Addresses of reverse proxies in front of the ingress (comma-separated IPs or CIDRs) whose X-Forwarded-For is believed. */
    INGRESS_TRUST_PROXY: z.string().trim().min(1).optional(),
    /** Requests per window on each webhook route, per firm; past it the ingress answers 429 with Retry-After. */
    WEBHOOK_RATE_LIMIT: rateLimit('600/1m').default({ max: 600, windowMs: ms('1m') }),
    /** Pay-link and OAuth page requests per window, per client address. */
    PAGE_RATE_LIMIT: rateLimit('60/1m').default({ max: 60, windowMs: ms('1m') }),
    /** Whole request (headers and body) must arrive within this; headers alone within INGRESS_HEADERS_TIMEOUT. */
    INGRESS_REQUEST_TIMEOUT: duration('30s').default(ms('30s')),
    INGRESS_HEADERS_TIMEOUT: duration('10s').default(ms('10s')),
    /** A connection idle this long is closed. */
    INGRESS_IDLE_TIMEOUT: duration('60s').default(ms('60s')),
    /** Load shedding: above this event-loop delay the ingress answers 503 with Retry-After. */
    INGRESS_MAX_EVENT_LOOP_DELAY: duration('1s').default(ms('1s')),
    /** Vendor calls the ingress may have waiting (per vendor connection) before it answers 503, and how long one may wait. */
    INGRESS_VENDOR_QUEUE_LIMIT: count(20).default(20),
    INGRESS_VENDOR_WAIT: duration('2s').default(ms('2s')),
    /** The worker's bound on waiting vendor calls: past it an activity fails with a retryable error and retries later. */
    WORKER_VENDOR_QUEUE_LIMIT: count(1000).default(1000),

    // Business policy.
    BILLING_DEBOUNCE: duration('15m').default(ms('15m')),
    BILLING_THRESHOLD_CENTS: positiveCents.default(50_000),
    APPROVAL: z.enum(['none', 'invoice'], { error: 'must be "none" or "invoice"' }).default('none'),
    REMINDER_SCHEDULE: durationList('7d,21d,30d').default([ms('7d'), ms('21d'), ms('30d')]),
    PAY_LINK_TTL: duration('90d').default(ms('90d')),
    /** A trust draw not in the practice system's ledger after this long is flagged by the trust report. */
    TRUST_POST_WITHIN: duration('3d').default(ms('3d')),
    /** Days from issue to the due date; `0d` = due on receipt. Whole days: a due date is a day on the firm's calendar. */
    PAYMENT_TERMS: z
      .string()
      .trim()
      .regex(/^\d{1,3}d$/, 'must be whole days such as "30d" ("0d" = due on receipt)')
      .transform((v) => Number(v.slice(0, -1)))
      .default(30),

    // What the client reads besides the invoice itself.
    /** The firm's name on the pay page, the PDFs and the receipts (default: FIRM_ID). */
    FIRM_NAME: z.string().trim().min(1).max(200, 'must be at most 200 characters').optional(),
    /** The firm's default message in invoice emails and on the pay page (a CSV row's or quick link's own wins). */
    EMAIL_MESSAGE: z.string().trim().max(2000, 'must be at most 2000 characters').optional(),
    /** A note at the foot of the pay page and the invoice PDF (e.g. card fee or trust-account terms). */
    PAY_PAGE_DISCLAIMER: z.string().trim().max(2000, 'must be at most 2000 characters').optional(),
    SWEEP_INTERVAL: duration('10m').default(ms('10m')),

    // Secrets at rest (OAuth tokens): base64 32-byte keys, newest first. Unset = a key generated under the data dir.
    MATTERPAY_SECRET_KEYS: z
      .string()
      .trim()
      .refine(
        (value) => value.split(',').every((k) => Buffer.from(k.trim(), 'base64').length === 32),
        'must be comma-separated base64 keys of 32 bytes each (make one with: openssl rand -base64 32)',
      )
      .optional(),

    // Temporal payloads are encrypted (AES-256-GCM) unless turned off; the ingress serves the Web UI's codec endpoint.
    TEMPORAL_PAYLOAD_ENCRYPTION: flag.default(true),
    /** Browser origins of the Temporal Web UI allowed to call the codec endpoint (default: the embedded UI's). */
    TEMPORAL_UI_ORIGINS: z
      .string()
      .trim()
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .optional(),
    /**
     * When set, the codec endpoint requires `Authorization: Bearer <token>`. Unset, it answers loopback callers only,
     * and only while PUBLIC_BASE_URL is a loopback address (behind a proxy on this host every caller looks local).
     */
    CODEC_ACCESS_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').optional(),
    /** When set, /metrics requires `Authorization: Bearer <token>`. */
    METRICS_ACCESS_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').optional(),

    // Practice management (Clio). Unset CLIO_CLIENT_ID = the Clio-style sandbox.
    CLIO_CLIENT_ID: z.string().trim().min(1).optional(),
    CLIO_CLIENT_SECRET: z.string().trim().min(1).optional(),
    CLIO_REGION: z.enum(['us', 'eu', 'ca', 'au'], { error: 'must be one of us, eu, ca, au' }).default('us'),
    /** Overrides the region's host, e.g. to point at a Clio-style sandbox. */
    CLIO_BASE_URL: url.optional(),
    SANDBOX_CLIO_PORT: port.default(8801),

    // Payment processors. Unset credentials = the LawPay-style sandbox.
    PROCESSOR: z
      .enum(PROCESSOR_NAMES, { error: `must be one of ${PROCESSOR_NAMES.map((n) => `"${n}"`).join(', ')}` })
      .default('lawpay'),
    LAWPAY_SECRET_KEY: z.string().trim().min(1).optional(),
    LAWPAY_API_URL: url.default('https://api.affinipay.com'),
    /** The firm's hosted payment page for its operating account, e.g. https://secure.lawpay.com/pages/smithlaw/operating */
    LAWPAY_PAYMENT_PAGE_URL: url.optional(),
    SANDBOX_LAWPAY_PORT: port.default(8802),
    /**
     * LawPay publishes no rate limit and sends no rate-limit headers, so the budget is ours: the vendor limit we hold
     * ourselves to, split between the ingress (webhook re-fetches) and the worker (sweeps, reconciliation).
     */
    LAWPAY_REQUESTS_PER_MINUTE: count(600).default(600),
    LAWPAY_INGRESS_REQUESTS_PER_MINUTE: count(150).default(150),
    LAWPAY_WORKER_REQUESTS_PER_MINUTE: count(450).default(450),
    /** The sandboxes' first webhook retry delay (Clio's real one is 2 minutes); short so demos recover quickly. */
    SANDBOX_WEBHOOK_RETRY_BASE: duration('10s').default(ms('10s')),
    STRIPE_SECRET_KEY: z
      .string()
      .trim()
      .regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret key (sk_live_… or sk_test_…)')
      .optional(),
    STRIPE_WEBHOOK_SECRET: z
      .string()
      .trim()
      .regex(/^whsec_/, 'must be a Stripe webhook signing secret (whsec_…)')
      .optional(),
    STRIPE_ACCOUNT: z
      .string()
      .trim()
      .regex(/^acct_/, "must be the firm's connected account id (acct_…)")
      .optional(),

    // Mail. Unset SMTP_URL = .eml files in the outbox under the data dir.
    SMTP_URL: z
      .string()
      .trim()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
    MAIL_FROM: z.string().trim().email('must be an email address').default('billing@matterpay.localhost'),
    STAFF_EMAIL: z.string().trim().email('must be an email address').optional(),
  })
  .superRefine((env, ctx) => {
    const requireWith = (present: keyof typeof env, needed: Array<keyof typeof env>) => {
      if (!env[present]) return;
      for (const name of needed) {
        if (!env[name])
          ctx.addIssue({ code: 'custom', path: [name], message: `is required when ${String(present)} is set` });
      }
    };
    requireWith('CLIO_CLIENT_ID', ['CLIO_CLIENT_SECRET']);
    requireWith('LAWPAY_SECRET_KEY', ['LAWPAY_PAYMENT_PAGE_URL']);
    if (
      env.LAWPAY_INGRESS_REQUESTS_PER_MINUTE + env.LAWPAY_WORKER_REQUESTS_PER_MINUTE >
      env.LAWPAY_REQUESTS_PER_MINUTE
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['LAWPAY_INGRESS_REQUESTS_PER_MINUTE'],
        message: `plus LAWPAY_WORKER_REQUESTS_PER_MINUTE must stay within LAWPAY_REQUESTS_PER_MINUTE (${env.LAWPAY_REQUESTS_PER_MINUTE})`,
      });
    }
    if (env.PROCESSOR === 'stripe') {
      for (const name of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_ACCOUNT'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when PROCESSOR=stripe' });
      }
    }
  });

/**
 * Variables whose value is (or contains) a credential: a message about them names the variable and never shows
 * the value. URLs are on the list because they carry passwords (`postgres://user:password@…`).
 */
const SECRET_VARIABLES = new Set([
  'MATTERPAY_SECRET_KEYS',
  'TEMPORAL_API_KEY',
  'CODEC_ACCESS_TOKEN',
  'METRICS_ACCESS_TOKEN',
  'CLIO_CLIENT_SECRET',
  'LAWPAY_SECRET_KEY',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'DATABASE_URL',
  'SMTP_URL',
]);
const looksSecret = (name: string) => SECRET_VARIABLES.has(name) || /KEY|SECRET|TOKEN|PASSWORD|_URL$/.test(name);

export type Config = z.output<typeof envSchema> & {
  publicBaseUrl: string;
  dataDir: string;
  temporalUiOrigins: string[];
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`matterpay configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads `.env` (if present) under the real environment, validates, and resolves derived values. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { dotenvPath?: string } = {}): Config {
  const merged: Record<string, string | undefined> = {};
  const dotenvPath = options.dotenvPath ?? path.resolve('.env');
  if (env === process.env && fs.existsSync(dotenvPath)) {
    Object.assign(merged, dotenv.parse(fs.readFileSync(dotenvPath)));
  }
  for (const [key, value] of Object.entries(env)) {
    // An empty variable means "not set", as in most shells' `VAR= cmd` habits.
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const parsed = envSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const given = merged[name];
        if (looksSecret(name) || given === undefined) return `${name}: ${issue.message}`;
        return `${name}=${JSON.stringify(given)}: ${issue.message}`;
      }),
    );
  }
  const values = parsed.data;
  return {
    ...values,
    dataDir: path.resolve(values.MATTERPAY_DATA_DIR),
    publicBaseUrl: (values.PUBLIC_BASE_URL ?? `http://${values.INGRESS_HOST}:${values.INGRESS_PORT}`).replace(
      /\/$/,
      '',
    ),
    temporalUiOrigins: values.TEMPORAL_UI_ORIGINS ?? [
      `http://127.0.0.1:${values.TEMPORAL_UI_PORT}`,
      `http://localhost:${values.TEMPORAL_UI_PORT}`,
    ],
  };
}
