import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot as findProjectRoot } from './projectRoot';

/**
 * Locates an engine binary in the tools cache, installing it on first use through its script in scripts/.
 * The scripts are idempotent and print what they do on stderr, so a first run explains its wait.
 */
const installers = {
  'temporal-cli': 'install-temporal-cli.sh',
  'temporal-test-server': 'install-test-server.sh',
  'stripe-mock': 'install-stripe-mock.sh',
} as const;

export type EngineTool = keyof typeof installers;

const projectRoot = findProjectRoot();

export function ensureTool(tool: EngineTool): string {
  const script = path.join(projectRoot, 'scripts', installers[tool]);
  try {
    const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const binary = out.trim().split('\n').pop();
    if (!binary) throw new Error('the installer printed no path');
    return binary;
  } catch (err) {
    throw new Error(
      `could not install ${tool} with ${path.relative(process.cwd(), script)}: ${(err as Error).message}\n` +
        `Run "bash ${path.relative(process.cwd(), script)}" by hand to see the full output.`,
    );
  }
}
