#!/usr/bin/env node
// Where an Express benchmark server spends its CPU: runs the variants of run.mjs once each under load with V8's
// sampling profiler and prints each one's self time per function, heaviest first, per request. The profiler runs only
// while the measured requests are served (profiler-preload.mjs), after a warm-up: start-up and compilation stay out.
//   pnpm build && DATABASE_URL=postgres://... node bench/express/profile.mjs [--duration 10] [--top 40] [variant ...]
// Variants: unscoped, scoped, tenancy, middleware, database (see serve.ts). The profiles stay in the printed folder
// (open them in Chrome's DevTools for the call tree). Not a measurement of throughput: the profiler costs time too.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runProfiled, withBenchDatabase } from './harness.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { duration: { type: 'string', default: '10' }, top: { type: 'string', default: '40' } },
});
const dir = mkdtempSync(join(os.tmpdir(), 'tenancy-express-profile-'));

// Self time per function (µs) from a .cpuprofile: samples x their interval, grouped by function and file.
function selfTimes(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const interval = (profile.endTime - profile.startTime) / profile.samples.length;
  const totals = new Map();
  for (const [id, count] of counts) {
    const { functionName, url } = byId.get(id).callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '').replace(/^file:\/\/.*\/(packages|examples)\//, '$1/')}`;
    totals.set(key, (totals.get(key) ?? 0) + count * interval);
  }
  return totals;
}

await withBenchDatabase(async ({ variants }) => {
  const profiles = [];
  for (const name of positionals.length > 0 ? positionals : ['unscoped', 'scoped']) {
    const { args, headers } = variants[name];
    const file = join(dir, `${name}.cpuprofile`);
    const result = await runProfiled(args, headers, {
      profiler: 'cpu',
      out: file,
      warmup: { connections: 50, duration: 3 },
      measure: { connections: 50, duration: Number(values.duration) },
    });
    const requests = result.requests.total;
    const perRequest = new Map([...selfTimes(file)].map(([key, t]) => [key, t / requests]));
    perRequest.delete('(idle) ');
    profiles.push([name, perRequest]);
    const busy = [...perRequest.values()].reduce((sum, t) => sum + t, 0);
    console.log(
      `\n== ${name}: ${result.requests.average.toFixed(0)} req/s under the profiler, ${busy.toFixed(1)} µs busy per request; profile in ${file}`,
    );
    for (const [key, t] of [...perRequest].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
      console.log(`${t.toFixed(2).padStart(9)} µs  ${key}`);
    }
  }
  // Two variants: what the second spends per request beyond the first, function by function.
  if (profiles.length === 2) {
    const [[a, first], [b, second]] = profiles;
    const keys = new Set([...first.keys(), ...second.keys()]);
    const diff = [...keys].map((key) => [key, (second.get(key) ?? 0) - (first.get(key) ?? 0)]);
    console.log(`\n== ${b} minus ${a}, µs per request`);
    for (const [key, d] of diff.sort((x, y) => y[1] - x[1]).slice(0, Number(values.top))) {
      console.log(`${d.toFixed(2).padStart(9)} µs  ${key}`);
    }
  }
});
