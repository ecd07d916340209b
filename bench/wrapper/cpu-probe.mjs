// Client CPU per call, sequential on one connection: process CPU time over N calls of each variant (after warm-up).
// Usage: node bench/wrapper/cpu-probe.mjs [variant ...]   (the wrapper benchmark's database must exist)
//
// With CALLS set it runs one variant WARMUP (default 8000) + CALLS times and prints nothing: a fixed workload to count
// instructions with, deterministic whatever else the machine does. Main thread only (V8 compiles and collects on
// others), per call = (instructions at CALLS=4000 - instructions at CALLS=1000) / 3000:
//   CALLS=1000 valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file=cg.1000 \
//     node bench/wrapper/cpu-probe.mjs raw        (then CALLS=4000 ... cg.4000)
//   grep ^totals cg.1000-01 cg.4000-01
// The warm-up matters: V8 keeps compiling the wrapper's and the driver's functions for about 9,000 calls.
// Without CALLS it also prints the server's CPU per call: the backend's on-CPU time from /proc/<pid>/schedstat
// (nanoseconds; the server must run on this machine), for the connection the variant uses.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { and, eq, placeholder } from 'drizzle-orm';
import { integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

// TENANCY_POSTGRES=<path to another build's dist/index.js> compares another build (an A/B of two commits).
const { createTenantDb, resolveConfig, withTenantSql } = await import(
  process.env.TENANCY_POSTGRES ?? '@tenancy/postgres'
);

const N = Number(process.env.N ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 8);
const base = 'postgres://postgres@127.0.0.1:5432/tenancy_bench_wrapper';
const items = pgTable('items', {
  tenantId: uuid('tenant_id').notNull(),
  id: integer('id').notNull(),
  name: text('name').notNull(),
});
const tenantId = (t) => `00000000-0000-4000-8000-${t.toString(16).padStart(12, '0')}`;
const owner = postgres(base, { max: 1 });
const login = postgres(base.replace('postgres@', 'tenancy_wbench_login@'), { max: 1 });
const config = resolveConfig({
  roles: { app: 'tenancy_wbench_app', platform: 'tenancy_wbench_platform' },
  tables: { items: { scope: 'tenant' } },
});
const tenantDb = createTenantDb({ client: login, config });
const q = (db) =>
  db
    .select({ name: items.name })
    .from(items)
    .where(and(eq(items.tenantId, placeholder('t')), eq(items.id, placeholder('id'))));
const bare = q(drizzle({ client: owner })).prepare('bare');
const scoped = tenantDb.prepare((db) => q(db).prepare('scoped'));
const all = {
  bare: (t, id) => bare.execute({ t, id }),
  'bare.raw': (t, id) => owner`select name from items where tenant_id = ${t} and id = ${id}`,
  prepared: (t, id) => tenantDb.withTenant(t, (db) => scoped.execute(db, { t, id })),
  raw: (t, id) =>
    withTenantSql(login, t, (sql) => sql`select name from items where tenant_id = ${t} and id = ${id}`, { config }),
};
// The backend of each client's one connection (max: 1), and its on-CPU nanoseconds so far.
const backendOf = async (client) => (await client`select pg_backend_pid() as pid`)[0].pid;
const pids = { owner: await backendOf(owner), login: await backendOf(login) };
const serverNs = (pid) => {
  const path = `/proc/${pid}/schedstat`;
  return existsSync(path) ? Number(readFileSync(path, 'utf8').split(' ')[0]) : Number.NaN;
};
const clientOf = { bare: 'owner', 'bare.raw': 'owner', prepared: 'login', raw: 'login' };
const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(all);
if (process.env.CALLS !== undefined) {
  const fn = all[names[0]];
  const warmup = Number(process.env.WARMUP ?? 8000);
  for (let i = 0; i < warmup; i++) await fn(tenantId(1 + (i % 9999)), 1 + (i % 999));
  // With SYNC (bench/wrapper/callgrind.sh): say the warm-up is over, and wait until the counters were zeroed.
  const sync = process.env.SYNC;
  if (sync !== undefined) {
    writeFileSync(`${sync}.warm`, '');
    while (!existsSync(`${sync}.go`)) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const calls = Number(process.env.CALLS);
  for (let i = 0; i < calls; i++) await fn(tenantId(1 + (i % 9999)), 1 + (i % 999));
  if (sync !== undefined) writeFileSync(`${sync}.done`, '');
  await Promise.all([owner.end(), login.end()]);
  process.exit(0);
}
const best = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const name of names) {
    const fn = all[name];
    for (let i = 0; i < 500; i++) await fn(tenantId(1 + (i % 9999)), 1 + (i % 999));
    const pid = pids[clientOf[name]];
    const server = serverNs(pid);
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await fn(tenantId(1 + (i % 9999)), 1 + (i % 999));
    const wall = Number(process.hrtime.bigint() - start) / 1e3 / N;
    const used = process.cpuUsage(cpu);
    const serverUs = (serverNs(pid) - server) / 1e3 / N;
    const sample = { user: used.user / N, total: (used.user + used.system) / N, wall, server: serverUs };
    best[name] ??= { user: Infinity, total: Infinity, wall: Infinity, server: Infinity };
    const b = best[name];
    for (const k of Object.keys(sample)) b[k] = Math.min(b[k], sample[k]);
  }
}
// The least of the rounds: what a call costs when nothing else competes for the CPU.
for (const [name, b] of Object.entries(best)) {
  console.log(
    `${name.padEnd(10)} user ${b.user.toFixed(1)}  user+sys ${b.total.toFixed(1)}  wall ${b.wall.toFixed(1)}  server ${b.server.toFixed(1)}  (µs per call, min of ${ROUNDS} rounds)`,
  );
}
await Promise.all([owner.end(), login.end()]);
