#!/usr/bin/env node
// Express throughput, measured so that the machine's drift cancels out: the same variants as run.mjs, but every server
// starts once and stays up, and the load moves between them in short windows (2 s by default), in the order
// A B B A A B ... so that a slow stretch of the machine falls on both sides alike. Each pair of adjacent windows gives
// one ratio (scoped / unscoped throughput, and unscoped / scoped server CPU per request); the summary is the median of
// those ratios with their interquartile range.
//
// Why: on a small shared VM, throughput moves by 20% or more between runs a minute apart, also with nothing else
// running. run.mjs compares medians of 10 s rounds taken minutes apart, where such a swing decides the result; here
// each ratio compares two windows a few seconds apart. Exactly one server is loaded at a time, as in run.mjs.
// Target: scoped >= 85% of unscoped throughput. Writes bench/results/express-interleaved.json (with
// --async-context-frame, express-interleaved-async-context-frame.json; on a Node other than 22, with -node<major>).
// The servers run on the node that runs this script: PATH=<node 24>/bin:$PATH node bench/express/interleaved.mjs.
//
//   pnpm build && node bench/express/interleaved.mjs [--variants unscoped,scoped,tenancy] [--window 2] [--pairs 30]
//     [--warmup 5] [--connections 50] [--async-context-frame]
// DATABASE_URL is used when set (a superuser URL; a database of its own is created and dropped), else an embedded
// PostgreSQL from @tenancy/postgres/testing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  BENCH_PATH,
  cannon,
  machineFacts,
  median,
  round1,
  serve,
  serverEnvironment,
  serverUsage,
  stop,
  withBenchDatabase,
} from './harness.mjs';

const { values } = parseArgs({
  options: {
    variants: { type: 'string', default: 'unscoped,scoped,tenancy' },
    window: { type: 'string', default: '2' },
    pairs: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    'async-context-frame': { type: 'boolean', default: false },
  },
});
const asyncContextFrame = values['async-context-frame'];
// Node 22 is the oldest Node the packages support; a run on another major (the servers run on this script's node) is
// recorded apart, e.g. express-interleaved-node24.json.
const nodeMajor = process.versions.node.split('.')[0];
const resultName = `express-interleaved${asyncContextFrame ? '-async-context-frame' : ''}${nodeMajor === '22' ? '' : `-node${nodeMajor}`}`;
const names = values.variants.split(',').filter(Boolean);
if (names[0] !== 'unscoped' || names.length < 2) {
  process.stderr.write('--variants must start with unscoped (the baseline) and name at least one more\n');
  process.exit(2);
}
const settings = {
  windowSec: Number(values.window),
  pairs: Number(values.pairs),
  warmupSec: Number(values.warmup),
  connections: Number(values.connections),
  path: BENCH_PATH,
};

// Quartiles by the same rule as the median: the medians of the lower and upper halves.
function quartiles(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const half = Math.floor(s.length / 2);
  return [median(s.slice(0, half)), median(s), median(s.slice(s.length - half))];
}

const windows = [];
let facts;
let postgresSource;
await withBenchDatabase(async ({ server, facts: setUp, variants }) => {
  facts = setUp;
  postgresSource = server.source;
  const servers = {};
  try {
    for (const name of names) {
      const { args, headers } = variants[name];
      const { child, match } = await serve(args, /READY (\d+) CPU (\d+)/, serverEnvironment(asyncContextFrame));
      servers[name] = { child, headers, port: Number(match[1]), cpuPort: Number(match[2]) };
    }
    for (const name of names) {
      const { port, headers } = servers[name];
      await cannon(port, headers, { connections: settings.connections, duration: settings.warmupSec });
    }
    for (let pair = 1; pair <= settings.pairs; pair++) {
      // A B, then B A: a drift of the machine within a pair favours neither side over the whole run.
      const order = pair % 2 === 1 ? names : [...names].reverse();
      for (const name of order) {
        const { port, headers, cpuPort } = servers[name];
        const before = await serverUsage(cpuPort);
        const r = await cannon(port, headers, { connections: settings.connections, duration: settings.windowSec });
        const after = await serverUsage(cpuPort);
        const requests = r.requests.total;
        const window = {
          pair,
          variant: name,
          requestsPerSec: requests / settings.windowSec,
          requests,
          serverCpuMicrosPerRequest: round1(
            (after.user + after.system - before.user - before.system) / Math.max(requests, 1),
          ),
          errors: r.errors,
          timeouts: r.timeouts,
          non2xx: r.non2xx,
        };
        windows.push(window);
        process.stderr.write(
          `pair ${String(pair).padStart(2)} ${name.padEnd(10)} ${window.requestsPerSec.toFixed(0).padStart(6)} req/s  server ${window.serverCpuMicrosPerRequest} µs/req${window.non2xx + window.errors > 0 ? `  errors ${window.errors} non-2xx ${window.non2xx}` : ''}\n`,
        );
      }
    }
  } finally {
    for (const { child } of Object.values(servers)) await stop(child);
  }
});

const of = (pair, name) => windows.find((w) => w.pair === pair && w.variant === name);
const summary = {};
for (const name of names.slice(1)) {
  const throughput = [];
  const cpu = [];
  for (let pair = 1; pair <= settings.pairs; pair++) {
    const [base, other] = [of(pair, 'unscoped'), of(pair, name)];
    throughput.push(other.requestsPerSec / base.requestsPerSec);
    cpu.push(base.serverCpuMicrosPerRequest / other.serverCpuMicrosPerRequest);
  }
  const [q1, q2, q3] = quartiles(throughput);
  const [c1, c2, c3] = quartiles(cpu);
  const r3 = (x) => Math.round(x * 1000) / 1000;
  summary[name] = {
    throughputRatio: r3(q2),
    throughputRatioIqr: [r3(q1), r3(q3)],
    cpuRatio: r3(c2),
    cpuRatioIqr: [r3(c1), r3(c3)],
  };
}
for (const name of names) {
  const mine = windows.filter((w) => w.variant === name);
  summary[name] = {
    ...summary[name],
    requestsPerSec: round1(median(mine.map((w) => w.requestsPerSec))),
    serverCpuMicrosPerRequest: round1(median(mine.map((w) => w.serverCpuMicrosPerRequest))),
  };
}
const failed = windows.filter((w) => w.errors > 0 || w.non2xx > 0 || w.timeouts > 0);
const result = {
  benchmark: 'express-interleaved',
  description:
    'GET /projects?limit=20 of the Express example, the variants of bench/express/run.mjs (unscoped: plain Drizzle, no tenancy; scoped: the example app; tenancy: the unscoped app plus exactly what tenancy adds). Servers stay up; the load alternates between them in short windows (A B B A ...), one server loaded at a time. Each pair of adjacent windows gives a ratio to unscoped; the summary is the median ratio and its interquartile range.',
  date: new Date().toISOString(),
  machine: machineFacts(facts, postgresSource, asyncContextFrame ? '--experimental-async-context-frame' : ''),
  settings: { ...settings, variants: names, rows: facts?.rows, tenants: facts?.tenants, poolSize: 10 },
  windows,
  summary: { ...summary, target: 0.85, meetsTarget: (summary.scoped?.throughputRatio ?? 0) >= 0.85 },
};
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(new URL(`../results/${resultName}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
const pct = (x) => `${(x * 100).toFixed(1)}%`;
process.stdout.write(
  `\n${names
    .slice(1)
    .map(
      (name) =>
        `${name.padEnd(10)} throughput ${pct(summary[name].throughputRatio)} of unscoped (IQR ${summary[name].throughputRatioIqr.map(pct).join('-')}), CPU per request ratio ${pct(summary[name].cpuRatio)} (IQR ${summary[name].cpuRatioIqr.map(pct).join('-')})\n`,
    )
    .join(
      '',
    )}target: scoped >= 85% of unscoped throughput${failed.length > 0 ? `; ${failed.length} window(s) had errors or non-2xx answers` : ''}\nwritten to bench/results/${resultName}.json\n`,
);
if (failed.length > 0) process.exit(1);
