// Preloaded into a serve.ts server by runProfiled() (harness.mjs). $PROFILER picks the profiler: `cpu`, V8's CPU
// profiler; `survivors`, V8's sampling heap profiler keeping only objects no young-generation collection freed
// (promoted, or alive at the end). The first SIGUSR2 starts it ("PROFILER STARTED" on stderr), the second writes the
// profile to $PROFILER_OUT ("PROFILER WRITTEN"): only what happens in between is in it, not start-up or warm-up.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const PROFILERS = {
  cpu: {
    start: async (session) => {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    },
    stop: (session) => session.post('Profiler.stop'),
  },
  survivors: {
    start: (session) =>
      session.post('HeapProfiler.startSampling', {
        samplingInterval: 512,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: false,
      }),
    stop: (session) => session.post('HeapProfiler.stopSampling'),
  },
};
const profiler = PROFILERS[process.env.PROFILER ?? ''];
if (profiler === undefined) throw new Error(`PROFILER must be one of ${Object.keys(PROFILERS).join(', ')}`);

const session = new Session();
session.connect();
let running = false;
process.on('SIGUSR2', async () => {
  if (!running) {
    running = true;
    await profiler.start(session);
    process.stderr.write('PROFILER STARTED\n');
    return;
  }
  const { profile } = await profiler.stop(session);
  writeFileSync(process.env.PROFILER_OUT ?? 'server.profile', JSON.stringify(profile));
  process.stderr.write('PROFILER WRITTEN\n');
});
