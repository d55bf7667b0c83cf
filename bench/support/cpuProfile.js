// CPU profile of the process it is loaded into, for `npm run bench -- --worker-env NODE_OPTIONS="--require
// $PWD/bench/support/cpuProfile.js" --worker-env CPU_PROFILE_FILE=/tmp/worker.cpuprofile`: Node refuses --cpu-prof in
// NODE_OPTIONS, so this drives the same V8 profiler through the inspector and writes the profile (open it in Chrome
// DevTools or VS Code) on SIGUSR2, which the payments bench sends before it stops the worker. With
// CPU_PROFILE_START_FILE set, the profiler starts only once that file exists (touch it when the load begins, so
// the set-up is not in the profile); a signal cannot say so, as the Temporal runtime takes SIGUSR2 as "shut down".
'use strict';
const fs = require('node:fs');
const inspector = require('node:inspector');

const file = process.env.CPU_PROFILE_FILE;
const startFile = process.env.CPU_PROFILE_START_FILE;
if (file) {
  const session = new inspector.Session();
  session.connect();
  const start = () => session.post('Profiler.enable', () => session.post('Profiler.start'));
  if (startFile) {
    const poll = setInterval(() => {
      if (!fs.existsSync(startFile)) return;
      clearInterval(poll);
      start();
    }, 200);
    poll.unref();
  } else start();
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) fs.writeFileSync(file, JSON.stringify(result.profile));
      session.post('Profiler.start');
    });
  });
}
