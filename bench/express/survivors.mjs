#!/usr/bin/env node
// What outlives young-generation garbage collection in the Express benchmark's servers, by where it was allocated.
// Objects that survive two scavenges are promoted to the old generation, and only a full collection frees them, so
// they cost far more than objects that die young. Each variant's server answers WARMUP requests, then V8's sampling
// heap profiler records REQUESTS more, keeping only objects no minor collection freed (profiler-preload.mjs). Prints
// bytes per request by allocation site (the allocating function and its caller), and every variant after the first
// against the first.
//
// This is how the scoped query's promoted rows were found (docs/express.md, "Where the difference goes").
//   pnpm build && DATABASE_URL=postgres://... node bench/express/survivors.mjs [variant ...]  (default: unscoped database)
// Env: WARMUP (default 4000), REQUESTS (default 10000), TOP (rows shown, default 20). Profiles stay in the printed
// folder (open them in Chrome's DevTools, Memory tab).
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { runProfiled, withBenchDatabase } from './harness.mjs';

const WARMUP = Number(process.env.WARMUP ?? 4000);
const REQUESTS = Number(process.env.REQUESTS ?? 10000);
const TOP = Number(process.env.TOP ?? 20);
const dir = mkdtempSync(join(os.tmpdir(), 'tenancy-express-survivors-'));

// Bytes per request by "function file:line < caller file:line" from a sampling heap profile.
function bytesBySite(file, requests) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const frameOf = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.split('/node_modules/').at(-1).split('/packages/').at(-1);
    return `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  };
  const siteById = new Map();
  const walk = (node, caller) => {
    const frame = frameOf(node);
    siteById.set(node.id, caller === undefined ? frame : `${frame} < ${caller}`);
    for (const child of node.children ?? []) walk(child, frame);
  };
  walk(profile.head, undefined);
  const bytes = new Map();
  for (const { nodeId, size } of profile.samples) {
    const site = siteById.get(nodeId);
    bytes.set(site, (bytes.get(site) ?? 0) + size / requests);
  }
  return bytes;
}

await withBenchDatabase(async ({ variants }) => {
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['unscoped', 'database'];
  const results = [];
  for (const name of names) {
    const { args, headers } = variants[name];
    const out = join(dir, `${name}.heapprofile`);
    const r = await runProfiled(args, headers, {
      profiler: 'survivors',
      out,
      warmup: { connections: 50, amount: WARMUP, timeout: 60 },
      measure: { connections: 50, amount: REQUESTS, timeout: 60 },
    });
    const bytes = bytesBySite(out, r.requests.total);
    const total = [...bytes.values()].reduce((a, b) => a + b, 0);
    results.push({ name, bytes });
    console.log(`${name.padEnd(10)} ${Math.round(total)} bytes per request outlived young collections`);
  }
  const [base, ...others] = results;
  for (const { name, bytes } of others) {
    console.log(`\n${name} against ${base.name}: extra bytes per request, by allocation site`);
    const sites = new Set([...bytes.keys(), ...base.bytes.keys()]);
    const rows = [...sites]
      .map((site) => [site, (bytes.get(site) ?? 0) - (base.bytes.get(site) ?? 0)])
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP);
    for (const [site, extra] of rows) console.log(`${Math.round(extra).toString().padStart(7)}  ${site.slice(0, 160)}`);
  }
  console.log(`\nprofiles in ${dir}`);
});
