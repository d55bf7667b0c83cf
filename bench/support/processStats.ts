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

/** One thread's name (`comm`) and its CPU so far. */
export interface ThreadSample {
  name: string;
  cpuMs: number;
}

/** Every thread of a process, by thread id: where inside a process its CPU goes (`top -H`). */
export function sampleThreads(pid: number): Map<number, ThreadSample> {
  const threads = new Map<number, ThreadSample>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`).map(Number)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(afterName[11]) + Number(afterName[12]);
      threads.set(tid, {
        name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        cpuMs: Math.round((ticks * 1000) / CLOCK_TICKS_PER_SECOND),
      });
    } catch {
      // exited between the listing and the read
    }
  }
  return threads;
}

/**
 * A Node process's CPU between two thread samples, in four parts: its main thread (the event loop: activities,
 * drivers, the SDK's bridge), the busiest other JavaScript thread (in a `matterpay worker`, the SDK's workflow
 * sandbox: Node names every thread it starts `node`, so it is told apart by its load), the Temporal core's Rust
 * threads (tokio's, and the ones named after their work), and the rest (V8's garbage-collector and compiler
 * helpers, libuv's file-system pool).
 */
export function splitNodeThreads(
  pid: number,
  before: Map<number, ThreadSample>,
  after: Map<number, ThreadSample>,
): { main: number; busiestOther: number; temporalCore: number; rest: number } {
  const used = [...after].map(([tid, t]) => ({ tid, name: t.name, ms: t.cpuMs - (before.get(tid)?.cpuMs ?? 0) }));
  const main = used.find((t) => t.tid === pid)?.ms ?? 0;
  const temporalCore = used.filter((t) => t.tid !== pid && t.name !== 'node').reduce((s, t) => s + t.ms, 0);
  const others = used.filter((t) => t.tid !== pid && t.name === 'node').sort((a, b) => b.ms - a.ms);
  const busiestOther = others[0]?.ms ?? 0;
  const rest = others.slice(1).reduce((s, t) => s + t.ms, 0);
  return { main, busiestOther, temporalCore, rest };
}
