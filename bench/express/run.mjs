#!/usr/bin/env node
// Express throughput: the example's read endpoint (GET /projects?limit=20) with and without tenancy, same handler body
// and the same prepared Drizzle query, one database of a few thousand rows:
//   unscoped    plain Drizzle over the table owner's connection, tenant filter written by hand, no middleware
//   scoped      the example app itself: tenancyMiddleware (subdomain + HS256 JWT + membership), requirePermission,
//               createTenantDb under RLS as the unprivileged login role
// With --breakdown also: `middleware` (the tenancy middleware, then the unscoped query) and `database` (no middleware,
// the query through the scoped database), to show where the difference comes from.
// Each server is its own process; autocannon drives it from this one. Rounds alternate the variants and the summary
// takes each variant's median. Besides requests per second it records the server's CPU time per request (and, on an
// embedded PostgreSQL, the database's): on a machine shared with other work those are steadier than throughput.
// Target: scoped >= 85% of unscoped throughput. Writes bench/results/express.json (with --async-context-frame, the
// servers run with Node 22's --experimental-async-context-frame and the results go to express-async-context-frame.json).
//
//   pnpm build && node bench/express/run.mjs [--duration 10] [--connections 50] [--rounds 5] [--breakdown]
// DATABASE_URL is used when set (a superuser URL; a database of its own is created and dropped), else an embedded
// PostgreSQL from @tenancy/postgres/testing.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  BENCH_PATH,
  cannon as cannonFor,
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
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    breakdown: { type: 'boolean', default: false },
    'async-context-frame': { type: 'boolean', default: false },
  },
});
// Node 22 implements AsyncLocalStorage with promise hooks, which tax every promise once any store is in use; Node 24
// uses the async context frame by default, and Node 22 has it behind this flag. The servers (both variants alike)
// run with it when asked; the results go to their own file.
const asyncContextFrame = values['async-context-frame'];
const resultName = asyncContextFrame ? 'express-async-context-frame' : 'express';
const settings = {
  durationSec: Number(values.duration),
  connections: Number(values.connections),
  rounds: Number(values.rounds),
  warmupSec: Number(values.warmup),
  path: BENCH_PATH,
  pageSize: 20,
};

const serverEnv = serverEnvironment(asyncContextFrame);

const cannon = (port, headers, durationSec) =>
  cannonFor(port, headers, { connections: settings.connections, duration: durationSec });

// CPU time (µs) of the PostgreSQL server and its backends, from /proc. Only meaningful for a server nobody else uses.
const TICK_MICROS = 1e6 / 100; // USER_HZ is 100 on Linux
function postgresCpuMicros(postmasterPid) {
  if (postmasterPid === undefined || !existsSync('/proc')) return undefined;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const [ppid, utime, stime] = [Number(fields[1]), Number(fields[11]), Number(fields[12])];
      if (Number(entry) === postmasterPid || ppid === postmasterPid) ticks += utime + stime;
    } catch {
      // the process exited while we read
    }
  }
  return ticks * TICK_MICROS;
}

const runs = [];
let facts;
let postgresSource;
await withBenchDatabase(async ({ server, maintenance, facts: setUp, variants: all }) => {
  facts = setUp;
  postgresSource = server.source;
  let postmasterPid;
  if (server.source !== 'env') {
    const [{ pid }] = await maintenance`select pg_backend_pid() as pid`;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    postmasterPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  const { middleware, database, ...main } = all;
  const variants = values.breakdown ? { ...main, middleware, database } : main;
  for (let round = 1; round <= settings.rounds; round++) {
    for (const [variant, { args, headers }] of Object.entries(variants)) {
      const { child, match } = await serve(args, /READY (\d+) CPU (\d+)/, serverEnv);
      const [port, cpuPort] = [Number(match[1]), Number(match[2])];
      try {
        await cannon(port, headers, settings.warmupSec);
        const [serverBefore, pgBefore] = [await serverUsage(cpuPort), postgresCpuMicros(postmasterPid)];
        const r = await cannon(port, headers, settings.durationSec);
        const [serverAfter, pgAfter] = [await serverUsage(cpuPort), postgresCpuMicros(postmasterPid)];
        const requests = r.requests.total;
        const perRequest = (key) =>
          serverAfter[key] === undefined ? null : round1((serverAfter[key] - serverBefore[key]) / requests);
        const serverCpu = (usage) => usage.user + usage.system;
        const run = {
          variant,
          round,
          requestsPerSec: r.requests.average,
          latencyMs: { p50: r.latency.p50, p99: r.latency.p99 },
          requests,
          serverCpuMicrosPerRequest: round1((serverCpu(serverAfter) - serverCpu(serverBefore)) / requests),
          serverSystemMicrosPerRequest: perRequest('system'),
          serverSyscallsPerRequest:
            serverAfter.syscr === undefined
              ? null
              : round1((serverAfter.syscr + serverAfter.syscw - serverBefore.syscr - serverBefore.syscw) / requests),
          postgresCpuMicrosPerRequest: pgBefore === undefined ? null : round1((pgAfter - pgBefore) / requests),
          errors: r.errors,
          timeouts: r.timeouts,
          non2xx: r.non2xx,
        };
        runs.push(run);
        process.stderr.write(
          `round ${round} ${variant.padEnd(10)} ${run.requestsPerSec.toFixed(0).padStart(6)} req/s  p50 ${run.latencyMs.p50} ms  p99 ${run.latencyMs.p99} ms  server ${run.serverCpuMicrosPerRequest} µs/req (system ${run.serverSystemMicrosPerRequest ?? '-'}, ${run.serverSyscallsPerRequest ?? '-'} read/write calls)  postgres ${run.postgresCpuMicrosPerRequest ?? '-'} µs/req  non-2xx ${run.non2xx}\n`,
        );
      } finally {
        await stop(child);
      }
    }
  }
});

const summarize = (variant) => {
  const of = runs.filter((r) => r.variant === variant);
  return {
    requestsPerSec: round1(median(of.map((r) => r.requestsPerSec))),
    latencyMs: { p50: median(of.map((r) => r.latencyMs.p50)), p99: median(of.map((r) => r.latencyMs.p99)) },
    serverCpuMicrosPerRequest: round1(median(of.map((r) => r.serverCpuMicrosPerRequest))),
    serverSystemMicrosPerRequest: round1(median(of.map((r) => r.serverSystemMicrosPerRequest))),
    serverSyscallsPerRequest: round1(median(of.map((r) => r.serverSyscallsPerRequest))),
    postgresCpuMicrosPerRequest: round1(median(of.map((r) => r.postgresCpuMicrosPerRequest))),
  };
};
const summary = Object.fromEntries([...new Set(runs.map((r) => r.variant))].map((v) => [v, summarize(v)]));
const ratio = summary.scoped.requestsPerSec / summary.unscoped.requestsPerSec;
const tenancyRatio = summary.tenancy.requestsPerSec / summary.unscoped.requestsPerSec;
const failed = runs.filter((r) => r.errors > 0 || r.non2xx > 0 || r.timeouts > 0);
const result = {
  benchmark: 'express',
  description:
    "GET /projects?limit=20 of the Express example. unscoped: plain Drizzle over the table owner connection, tenant filter by hand, no middleware. scoped: the example app (tenancyMiddleware with subdomain + HS256 JWT + membership, requirePermission, createTenantDb under RLS as an unprivileged login role). tenancy: the unscoped app's single route plus exactly what tenancy adds (the middleware, requirePermission, the scoped database), without the example's other routers. Same handler body and the same prepared Drizzle query (tenantDb.prepare in the app, .prepare() on plain Drizzle). Medians over alternating rounds.",
  date: new Date().toISOString(),
  machine: machineFacts(facts, postgresSource, asyncContextFrame ? '--experimental-async-context-frame' : ''),
  settings: { ...settings, rows: facts?.rows, tenants: facts?.tenants, poolSize: 10 },
  runs,
  summary: {
    ...summary,
    ratio: Math.round(ratio * 1000) / 1000,
    tenancyRatio: Math.round(tenancyRatio * 1000) / 1000,
    target: 0.85,
    meetsTarget: ratio >= 0.85,
  },
};
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(new URL(`../results/${resultName}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
const line = (name) => {
  const s = summary[name];
  return `${name.padEnd(10)} ${String(s.requestsPerSec).padStart(7)} req/s  p50 ${s.latencyMs.p50} ms  p99 ${s.latencyMs.p99} ms  server ${s.serverCpuMicrosPerRequest} µs/req  postgres ${s.postgresCpuMicrosPerRequest ?? '-'} µs/req\n`;
};
process.stdout.write(
  `\n${Object.keys(summary).map(line).join('')}ratio      ${(ratio * 100).toFixed(1)}% of unscoped throughput (target >= 85%); tenancy alone ${(tenancyRatio * 100).toFixed(1)}%${failed.length > 0 ? `; ${failed.length} run(s) had errors or non-2xx answers` : ''}\nwritten to bench/results/${resultName}.json\n`,
);
if (failed.length > 0) process.exit(1);
