#!/usr/bin/env node
// Which property accesses miss V8's inline caches on every request, per variant of the Express benchmark (serve.ts).
// Each server runs with `node --log-ic`, answers REQUESTS requests, and stops; the log's megamorphic misses
// (state N -> N: the access went to the runtime because the stub cache had no entry for that object shape and name)
// are counted per property name and per request, and every variant after the first is shown against the first.
//
// This is how the Express example's per-request shapes were found: Express 5 gives every request and response object
// a hidden class (map) of its own, so each name read from them misses once per request, and each property added to
// them builds another map and makes every later read miss again (docs/express.md, Performance).
//   pnpm build && DATABASE_URL=postgres://... node bench/express/ic-log.mjs [variant ...]   (default: unscoped middleware)
// Env: REQUESTS (default 3000), TOP (rows shown, default 25). The logs stay in the printed folder.
import { createReadStream, mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cannon, serveInProcess, stop, withBenchDatabase } from './harness.mjs';

const REQUESTS = Number(process.env.REQUESTS ?? 3000);
const TOP = Number(process.env.TOP ?? 25);
const dir = mkdtempSync(join(os.tmpdir(), 'tenancy-express-ic-'));

// Megamorphic misses per request by "<IC kind> <property name>", from a --log-ic log. An IC line reads
// kind,pc,time,line,column,old state,new state,map,name,modifier,slow reason.
async function missesPerRequest(file, requests) {
  const counts = new Map();
  for await (const line of createInterface({ input: createReadStream(file) })) {
    const comma = line.indexOf(',');
    if (!line.slice(0, comma).endsWith('IC')) continue;
    const fields = line.split(',');
    if (fields[5] !== 'N' || fields[6] !== 'N') continue;
    // Symbols print with their hash, which differs between processes.
    const name = fields[8].replace(/ hash [0-9a-f]+/, '');
    const key = `${fields[0]} ${name}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].map(([key, n]) => [key, n / requests]));
}

await withBenchDatabase(async ({ variants }) => {
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['unscoped', 'middleware'];
  const results = [];
  for (const name of names) {
    const { args, headers } = variants[name];
    const log = join(dir, `${name}.log`);
    const { child, port } = await serveInProcess(args, ['--log-ic', `--logfile=${log}`, '--no-logfile-per-isolate']);
    const r = await cannon(port, headers, { connections: 50, amount: REQUESTS, timeout: 60 });
    await stop(child);
    const misses = await missesPerRequest(log, r.requests.total);
    const total = [...misses.values()].reduce((a, b) => a + b, 0);
    results.push({ name, misses });
    console.log(`${name.padEnd(10)} ${total.toFixed(1)} megamorphic misses per request (${r.requests.total} requests)`);
  }
  const [base, ...others] = results;
  for (const { name, misses } of others) {
    console.log(`\n${name} against ${base.name}: extra misses per request, by access`);
    const keys = new Set([...misses.keys(), ...base.misses.keys()]);
    const rows = [...keys]
      .map((key) => [key, (misses.get(key) ?? 0) - (base.misses.get(key) ?? 0)])
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP);
    for (const [key, extra] of rows) console.log(`${extra >= 0 ? '+' : ''}${extra.toFixed(2).padStart(6)}  ${key}`);
  }
  console.log(`\nlogs in ${dir}`);
});
