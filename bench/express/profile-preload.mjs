// Preloaded into a serve.ts server by profile.mjs (node --import). On the first SIGUSR2 it starts V8's CPU profiler,
// on the second it writes the profile to $PROFILE_OUT and prints "PROFILE WRITTEN": only the measured requests are in
// it, not the server's start-up or warm-up.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const session = new Session();
session.connect();
let profiling = false;
process.on('SIGUSR2', async () => {
  if (!profiling) {
    profiling = true;
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    process.stderr.write('PROFILE STARTED\n');
    return;
  }
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(process.env.PROFILE_OUT ?? 'server.cpuprofile', JSON.stringify(profile));
  process.stderr.write('PROFILE WRITTEN\n');
});
