import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * How the harness runs matterpay's production roles: `node bin/matterpay.js worker|ingress|…` in processes of their
 * own, configured only through the environment, exactly as an operator's deployment is.
 */

export const MATTERPAY_BIN = path.resolve(__dirname, '../../bin/matterpay.js');

/** Where the pieces a production role talks to are, for one harness run. */
export interface RoleEndpoints {
  databaseUrl: string;
  temporalAddress: string;
  clioUrl: string;
  lawPayUrl: string;
  secretKey: string;
  firmId: string;
  dataDir: string;
}

/**
 * Every variable the harness's roles get, in one place. Issue 10 (ingress rate limits, load shedding) adds its
 * limits here: a chaos run replays webhook storms, so those limits must be generous for the ingress under test.
 */
export function roleEnvironment(endpoints: RoleEndpoints, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: endpoints.databaseUrl,
    TEMPORAL_ADDRESS: endpoints.temporalAddress,
    MATTERPAY_SECRET_KEYS: endpoints.secretKey,
    MATTERPAY_DATA_DIR: endpoints.dataDir,
    FIRM_ID: endpoints.firmId,
    FIRM_TIMEZONE: 'UTC',
    CLIO_CLIENT_ID: 'sandbox-client-id',
    CLIO_CLIENT_SECRET: 'sandbox-client-secret',
    CLIO_BASE_URL: endpoints.clioUrl,
    PROCESSOR: 'lawpay',
    LAWPAY_SECRET_KEY: 'sandbox_secret_key',
    LAWPAY_API_URL: endpoints.lawPayUrl,
    LAWPAY_PAYMENT_PAGE_URL: `${endpoints.lawPayUrl}/pages/sandbox-firm/operating`,
    LOG_LEVEL: 'info',
    ...extra,
  };
}

export interface RoleProcess {
  name: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr interleaved). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the output contains `text`; rejects if the process exits first or `timeoutMs` passes. */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnRole(
  name: string,
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string; onLine?: (line: string) => void; logFile?: string } = {},
): RoleProcess {
  const child = spawn(process.execPath, [MATTERPAY_BIN, ...args], {
    cwd: options.cwd ?? env.MATTERPAY_DATA_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const file = options.logFile ? fs.createWriteStream(options.logFile, { flags: 'a' }) : null;
  const listeners = new Set<() => void>();
  let pending = '';
  const take = (chunk: Buffer) => {
    const piece = chunk.toString('utf8');
    text += piece;
    file?.write(piece);
    if (text.length > 2_000_000) text = text.slice(-1_000_000);
    if (options.onLine) {
      pending += piece;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) options.onLine(line);
    }
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const listener of listeners) listener();
      resolve({ code, signal });
    });
  });
  let exitedValue: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  void exited.then((value) => {
    exitedValue = value;
  });

  return {
    name,
    child,
    output: () => text,
    exited,
    waitForOutput(expected, timeoutMs = 60_000) {
      const matches = () => (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            finish(
              new Error(`${name}: no "${String(expected)}" within ${timeoutMs} ms; output:\n${text.slice(-3000)}`),
            ),
          timeoutMs,
        );
        const finish = (error?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          if (matches()) finish();
          else if (exitedValue || child.exitCode !== null || child.signalCode !== null) {
            finish(
              new Error(
                `${name} exited (${child.exitCode ?? child.signalCode}) before printing "${String(expected)}"; output:\n${text.slice(-3000)}`,
              ),
            );
          }
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
