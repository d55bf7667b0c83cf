// Loaded into a process under study with NODE_OPTIONS="--require …/memoryProbe.js" and MEMORY_PROBE_FILE set:
// writes the main thread's memory breakdown there every two seconds (what RSS is made of: JS heap or not).
const fs = require('node:fs');
const v8 = require('node:v8');
const file = process.env.MEMORY_PROBE_FILE;
if (file) {
  setInterval(() => {
    const m = process.memoryUsage();
    const mib = (n) => Math.round(n / 2 ** 20);
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, mib(s.space_used_size)]));
    fs.writeFileSync(
      file,
      JSON.stringify({
        rss: mib(m.rss),
        heapTotal: mib(m.heapTotal),
        heapUsed: mib(m.heapUsed),
        external: mib(m.external),
        arrayBuffers: mib(m.arrayBuffers),
        spaces,
      }),
    );
  }, 2_000).unref();
}
