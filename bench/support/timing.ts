import { spawnSync } from 'node:child_process';

/** One process run measured by GNU time (`/usr/bin/time -v`): wall, CPU (user + system) and peak RSS. */
export interface ProcessCost {
  wallMs: number;
  cpuMs: number;
  maxRssMiB: number;
  exitCode: number | null;
}

export function timeProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ProcessCost {
  const run = spawnSync('/usr/bin/time', ['-v', command, ...args], {
    ...options,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const field = (label: string) => {
    const line = run.stderr.split('\n').find((l) => l.trim().startsWith(label));
    if (!line) throw new Error(`/usr/bin/time printed no "${label}":\n${run.stderr.slice(-2000)}`);
    return line.slice(line.lastIndexOf(': ') + 2).trim();
  };
  const wall = field('Elapsed (wall clock) time').split(':').map(Number);
  const wallSeconds = wall.reduce((total, part) => total * 60 + part, 0);
  return {
    wallMs: Math.round(wallSeconds * 1000),
    cpuMs: Math.round((Number(field('User time (seconds)')) + Number(field('System time (seconds)'))) * 1000),
    maxRssMiB: Math.round(Number(field('Maximum resident set size (kbytes)')) / 1024),
    exitCode: run.status,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Reads `--name value` options with numeric defaults: `numberOption(argv, 'runs', 5)`. */
export function numberOption(argv: readonly string[], name: string, fallback: number): number {
  const index = argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} takes a positive number, got "${argv[index + 1]}"`);
  return value;
}

export function stringOption(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(`--${name}`);
  return index < 0 ? undefined : argv[index + 1];
}
