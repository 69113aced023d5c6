// Preloaded into every connector run of `npm run bench -- --profile` (NODE_OPTIONS=--import, bench-run.ts): writes the
// run's CPU profile to BENCH_PROFILE_DIR when node exits. --cpu-prof would do the same, but NODE_OPTIONS does not
// accept it, and the connector runs through the image's entrypoint.sh, which takes no node options.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // A session of this thread answers synchronously, so the profile is written before the process ends.
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `CPU.${Date.now()}.${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
