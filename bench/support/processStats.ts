import fs from 'node:fs';

/** A running process's resident memory and CPU so far, from /proc (Linux): what `top` would show for it. */
export interface ProcessSample {
  rssMiB: number;
  peakRssMiB: number;
  cpuMs: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

export function sampleProcess(pid: number): ProcessSample {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the whole line.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(afterName[11]) + Number(afterName[12]);
  return {
    rssMiB: Math.round(kib('VmRSS') / 1024),
    peakRssMiB: Math.round(kib('VmHWM') / 1024),
    cpuMs: Math.round((ticks * 1000) / CLOCK_TICKS_PER_SECOND),
  };
}

/**
 * The process and every process under it (PostgreSQL's backends under its postmaster), summed: RSS, and CPU so far
 * including that of children already exited and reaped (a closed connection's backend), so the CPU only grows.
 */
export function sampleProcessTree(rootPid: number): ProcessSample {
  const pids = [rootPid, ...descendantsOf(rootPid)];
  const stat = fs.readFileSync(`/proc/${rootPid}/stat`, 'utf8');
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const reapedMs = Math.round(((Number(afterName[13]) + Number(afterName[14])) * 1000) / CLOCK_TICKS_PER_SECOND);
  const samples = pids.flatMap((pid) => {
    try {
      return [sampleProcess(pid)];
    } catch {
      return []; // exited between the listing and the read
    }
  });
  return samples.reduce(
    (sum, s) => ({
      rssMiB: sum.rssMiB + s.rssMiB,
      peakRssMiB: sum.peakRssMiB + s.peakRssMiB,
      cpuMs: sum.cpuMs + s.cpuMs,
    }),
    { rssMiB: 0, peakRssMiB: 0, cpuMs: reapedMs },
  );
}

/** Child processes of `pid` whose command line contains `text` (e.g. the Temporal CLI or the postmaster). */
export function childProcessesMatching(pid: number, text: string): number[] {
  return childrenOf(pid).filter((child) => {
    try {
      return fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').includes(text);
    } catch {
      return false;
    }
  });
}

function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((candidate) => {
      try {
        const stat = fs.readFileSync(`/proc/${candidate}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    });
}

function descendantsOf(pid: number): number[] {
  const children = childrenOf(pid);
  return [...children, ...children.flatMap(descendantsOf)];
}
