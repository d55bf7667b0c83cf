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
