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

/**
 * What a process's RSS is made of, from /proc/<pid>/smaps, in MiB by kind of mapping: code and data of files (the
 * node binary, the Temporal core's .so), the glibc heap (`[heap]` and the arenas at 64 MiB boundaries other threads' malloc uses:
 * the Temporal core's Rust side), thread stacks, and the rest of the anonymous memory (V8's heaps, of the main
 * thread and the workflow thread, in pages under 64 MiB).
 */
export function rssBreakdown(pid: number): Record<string, number> {
  const kib: Record<string, number> = {
    files: 0,
    'malloc heap': 0,
    'malloc arenas': 0,
    stacks: 0,
    'other anonymous': 0,
  };
  let kind = 'other anonymous';
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const mapping = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const [, from, to, name = ''] = mapping;
      const sizeMiB = (parseInt(to!, 16) - parseInt(from!, 16)) / 2 ** 20;
      if (name.startsWith('/')) kind = 'files';
      else if (name === '[heap]') kind = 'malloc heap';
      else if (name.startsWith('[stack')) kind = 'stacks';
      // glibc maps each thread arena's heap at a 64 MiB boundary, read-write up to its top and reserved past it.
      else if (name === '')
        kind = parseInt(from!, 16) % 2 ** 26 === 0 && sizeMiB <= 64 ? 'malloc arenas' : 'other anonymous';
      else kind = 'other anonymous';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) kib[kind] = (kib[kind] ?? 0) + Number(rss[1]);
  }
  return Object.fromEntries(Object.entries(kib).map(([k, v]) => [k, Math.round(v / 1024)]));
}
