import fs from 'node:fs';
import path from 'node:path';

/**
 * The process settings the image gives every matterpay process (the Dockerfile's memory `ENV` line: glibc's arenas,
 * V8's semi-spaces), so a benchmark measures the worker as a firm runs it. `--bare` in a bench skips them.
 */
export function deployedProcessEnv(): Record<string, string> {
  const dockerfile = fs.readFileSync(path.join(__dirname, '..', '..', 'Dockerfile'), 'utf8');
  const line = /^ENV (MALLOC_ARENA_MAX=.*)$/m.exec(dockerfile)?.[1];
  if (!line) throw new Error('the Dockerfile has no `ENV MALLOC_ARENA_MAX=…` line for the benchmarks to run with');
  return Object.fromEntries(
    line
      .trim()
      .split(/\s+/)
      .map((pair) => pair.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
}

/**
 * A bench's worker environment: the image's settings unless `--bare`, then each `--worker-env NAME=value`; a given
 * NODE_OPTIONS (a memory probe, a CPU profile) is added to the image's rather than replacing it.
 */
export function benchWorkerEnv(argv: string[]): Record<string, string> {
  const env: Record<string, string> = argv.includes('--bare') ? {} : deployedProcessEnv();
  argv.forEach((arg, i) => {
    const pair = argv[i + 1];
    if (arg !== '--worker-env' || !pair?.includes('=')) return;
    const [name, value] = pair.split(/=(.*)/s) as [string, string];
    env[name] = name === 'NODE_OPTIONS' && env[name] ? `${env[name]} ${value}` : value;
  });
  return env;
}
