import { spawn } from 'node:child_process';
import path from 'node:path';
import { TEST_SECRET_KEY } from './codec';

const BIN = path.resolve(__dirname, '../../bin/matterpay.js');

/** One `matterpay` command run as an admin runs it: its own process, its exit code and what it printed. */
export function runMatterpay(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The environment an admin's command runs with against a test's store and Temporal, quiet, plus `extra`. */
export function commandEnv(databaseUrl: string, firmId: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
    FIRM_ID: firmId,
    LOG_LEVEL: 'silent',
    MATTERPAY_SECRET_KEYS: TEST_SECRET_KEY,
    ...extra,
  };
}
