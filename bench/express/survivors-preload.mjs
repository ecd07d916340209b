// Preloaded into a serve.ts server by survivors.mjs (node --import). On the first SIGUSR2 it starts V8's sampling heap
// profiler so that it keeps only objects no young-generation collection freed (promoted, or alive at the end); on the
// second it writes the profile to $SURVIVORS_OUT and prints "SURVIVORS WRITTEN".
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const session = new Session();
session.connect();
let sampling = false;
process.on('SIGUSR2', async () => {
  if (!sampling) {
    sampling = true;
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 512,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: false,
    });
    process.stderr.write('SURVIVORS SAMPLING\n');
    return;
  }
  const { profile } = await session.post('HeapProfiler.stopSampling');
  writeFileSync(process.env.SURVIVORS_OUT ?? 'survivors.heapprofile', JSON.stringify(profile));
  process.stderr.write('SURVIVORS WRITTEN\n');
});
