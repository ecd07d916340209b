#!/usr/bin/env node
// Tenant-scoped wrapper benchmark: 10,000 tenants x 1,000 rows (10,000,000 rows), one point query by primary key,
//   unscoped.prepared   Drizzle `.prepare()`d query, no transaction, as a role RLS does not apply to   - the floor
//   unscoped.default    the same Drizzle query with Drizzle's defaults (unnamed statement)
//   scoped.withTenant   createTenantDb().withTenant(tenant, (db) => <the same query>)               - ours
//   scoped.prepared     the same query built once with tenantDb.prepare(), run in withTenant       - ours, hot path
//   scoped.raw          withTenantSql(sql, tenant, (sql) => sql`<the same query>`)                  - ours, no Drizzle
//   naive.transaction   db.transaction(async (tx) => { await tx.execute(set_config ...); return <query> })
// Latency: one client, one connection, sequential, p50/p99 over interleaved rounds. Throughput: 50 concurrent
// callers on a pool of POOL connections. Round trips: counted through the round-trip proxy for one warm call.
// Builds nothing itself: run `pnpm --filter @tenancy/postgres build` first. Writes bench/results/wrapper.json.
// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/wrapper/run.mjs [--reload]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { and, sql as dsql, eq, placeholder } from 'drizzle-orm';
import { integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

// TENANCY_POSTGRES=<path to another build's dist/index.js> measures another build (an A/B of two commits); the
// results then go to bench/results/ab/wrapper.<BENCH_LABEL or "other">.json (not rendered, not committed).
const { createTenantDb, generateSql, resolveConfig, withTenantSql } = await import(
  process.env.TENANCY_POSTGRES ?? '@tenancy/postgres'
);

const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 400);
const THROUGHPUT_SECONDS = Number(process.env.BENCH_THROUGHPUT_SECONDS ?? 4);
const CONCURRENCY = 50;
const POOL = Number(process.env.BENCH_POOL ?? 10);
// Calls per variant before anything is measured. V8 is still compiling the driver's and the wrapper's hot functions
// for the first several thousand calls (--trace-opt: about 9,000 for a unit of work), on a second thread that
// competes with the server on a small machine; 200 calls measured that warm-up, not the steady state.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5000);
const TENANTS = 10_000;
const ROWS_PER_TENANT = 1_000;
const DB = 'tenancy_bench_wrapper';
// Role names of this benchmark only: roles are cluster-wide and other benchmarks create their own.
const APP = 'tenancy_wbench_app';
const PLATFORM = 'tenancy_wbench_platform';
const LOGIN = 'tenancy_wbench_login';

const log = (line) => process.stderr.write(`${line}\n`);
const withUrl = (url, { db, user }) => {
  const u = new URL(url);
  if (db) u.pathname = `/${db}`;
  if (user) {
    u.username = user;
    u.password = '';
  }
  return u.toString();
};
const ownerUrl = withUrl(SERVER, { db: DB });
const loginUrl = withUrl(SERVER, { db: DB, user: LOGIN });
// Tenant t's id, computable in SQL and in JS alike.
const tenantId = (t) => `00000000-0000-4000-8000-${t.toString(16).padStart(12, '0')}`;
const tenantSql = (v) => `('00000000-0000-4000-8000-' || lpad(to_hex(${v}), 12, '0'))::uuid`;

const items = pgTable(
  'items',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: integer('id').notNull(),
    name: text('name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

async function setUp(reload) {
  const admin = postgres(SERVER, { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${DB}`;
  if (exists && !reload) {
    const probe = postgres(ownerUrl, { max: 1, onnotice: () => {} });
    const [{ n } = { n: 0 }] =
      await probe`select count(*)::int as n from pg_class where relname = 'items' and reltuples >= ${TENANTS * ROWS_PER_TENANT * 0.99}`;
    await probe.end();
    if (n === 1) {
      await admin.end();
      log(`reusing ${DB} (pass --reload to rebuild)`);
      return;
    }
  }
  await admin.unsafe(`drop database if exists ${DB} with (force)`);
  await admin.unsafe(`create database ${DB}`);
  await admin.end();

  const sql = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  const started = Date.now();
  // Keys after the load: one sort instead of ten million index insertions.
  await sql.unsafe(`
    set synchronous_commit = off;
    create table items (tenant_id uuid not null, id integer not null, name text not null);
    insert into items select ${tenantSql('t')}, i, 'item ' || i
      from generate_series(1, ${TENANTS}) t, generate_series(1, ${ROWS_PER_TENANT}) i;
    alter table items add primary key (tenant_id, id);
  `);
  log(
    `loaded ${(TENANTS * ROWS_PER_TENANT).toLocaleString('en')} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const config = resolveConfig({ roles: { app: APP, platform: PLATFORM }, tables: { items: { scope: 'tenant' } } });
  await sql.unsafe(generateSql(config, { transaction: false }));
  await sql.unsafe(`
    do $$ begin
      if not exists (select from pg_roles where rolname = '${LOGIN}') then create role ${LOGIN} login; end if;
    end $$;
    grant ${APP}, ${PLATFORM} to ${LOGIN};
  `);
  await sql.unsafe('vacuum analyze items');
  await sql.end();
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  const us = (ms) => Math.round(ms * 1000);
  return { p50Us: us(percentile(sorted, 50)), p99Us: us(percentile(sorted, 99)), meanUs: us(mean), n: samples.length };
}

const randomKey = () => ({
  t: tenantId(1 + Math.floor(Math.random() * TENANTS)),
  id: 1 + Math.floor(Math.random() * ROWS_PER_TENANT),
});

/** The variants, each a function of (tenant, id) that reads one row and returns it. */
function variants({ ownerClient, loginClient, config }) {
  const owner = drizzle({ client: ownerClient });
  const login = drizzle({ client: loginClient });
  const tenantDb = createTenantDb({ client: loginClient, config });
  const byKey = (db, t, id) =>
    db
      .select({ name: items.name })
      .from(items)
      .where(and(eq(items.tenantId, t), eq(items.id, id)));
  const scopedPrepared = tenantDb.prepare((db) =>
    db
      .select({ name: items.name })
      .from(items)
      .where(and(eq(items.tenantId, placeholder('t')), eq(items.id, placeholder('id'))))
      .prepare('items_by_key_scoped'),
  );
  const prepared = owner
    .select({ name: items.name })
    .from(items)
    .where(and(eq(items.tenantId, placeholder('t')), eq(items.id, placeholder('id'))))
    .prepare('items_by_key');
  return {
    'unscoped.prepared': (t, id) => prepared.execute({ t, id }),
    'unscoped.default': (t, id) => byKey(owner, t, id).then((r) => r),
    'scoped.withTenant': (t, id) => tenantDb.withTenant(t, (db) => byKey(db, t, id)),
    'scoped.prepared': (t, id) => tenantDb.withTenant(t, (db) => scopedPrepared.execute(db, { t, id })),
    'scoped.raw': (t, id) =>
      withTenantSql(loginClient, t, (sql) => sql`select name from items where tenant_id = ${t} and id = ${id}`, {
        config,
      }),
    'naive.transaction': (t, id) =>
      login.transaction(async (tx) => {
        await tx.execute(dsql`select set_config('tenancy.tenant_id', ${t}, true), set_config('role', ${APP}, true)`);
        return byKey(tx, t, id);
      }),
  };
}

async function check(name, fn) {
  const { t, id } = randomKey();
  const rows = await fn(t, id);
  const first = rows[0];
  if (rows.length !== 1 || first.name !== `item ${id}`) {
    throw new Error(`${name} returned ${JSON.stringify(rows)} for (${t}, ${id})`);
  }
}

async function latency(fns) {
  const samples = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  const names = Object.keys(fns);
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so drift on a shared machine hits every variant alike.
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const fn = fns[name];
      for (let i = 0; i < PER_ROUND; i++) {
        const { t, id } = randomKey();
        const start = process.hrtime.bigint();
        await fn(t, id);
        samples[name].push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    }
  }
  return Object.fromEntries(names.map((n) => [n, summarize(samples[n])]));
}

async function throughput(fn) {
  let done = 0;
  const until = Date.now() + THROUGHPUT_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        const { t, id } = randomKey();
        await fn(t, id);
        done += 1;
      }
    }),
  );
  return Math.round(done / THROUGHPUT_SECONDS);
}

async function roundTrips(fns, config) {
  const proxyModule = process.env.TENANCY_BENCH_PROXY_SOURCE
    ? await import('../../packages/postgres/src/testing/round-trip-proxy.ts')
    : await import('@tenancy/postgres/testing');
  if (typeof proxyModule.createRoundTripProxy !== 'function') {
    throw new Error('@tenancy/postgres/testing does not export createRoundTripProxy (build the package first).');
  }
  const proxyOwner = await proxyModule.createRoundTripProxy({ target: ownerUrl });
  const proxyLogin = await proxyModule.createRoundTripProxy({ target: loginUrl });
  const ownerClient = postgres(proxyOwner.url, { max: 1, onnotice: () => {} });
  const loginClient = postgres(proxyLogin.url, { max: 1, onnotice: () => {} });
  const counted = variants({ ownerClient, loginClient, config });
  const result = {};
  for (const name of Object.keys(fns)) {
    const { t, id } = randomKey();
    await counted[name](t, id); // warm: statements prepared on this connection
    const before = proxyOwner.roundTrips() + proxyLogin.roundTrips();
    await counted[name](t, id);
    result[name] = proxyOwner.roundTrips() + proxyLogin.roundTrips() - before;
  }
  await ownerClient.end();
  await loginClient.end();
  await proxyOwner.close();
  await proxyLogin.close();
  return result;
}

async function main() {
  await setUp(process.argv.includes('--reload'));
  const config = resolveConfig({ roles: { app: APP, platform: PLATFORM }, tables: { items: { scope: 'tenant' } } });

  const one = {
    ownerClient: postgres(ownerUrl, { max: 1, onnotice: () => {} }),
    loginClient: postgres(loginUrl, { max: 1, onnotice: () => {} }),
  };
  const fns = variants({ ...one, config });
  for (const [name, fn] of Object.entries(fns)) {
    await check(name, fn);
  }
  // Statements, caches and the JIT, every variant alike (after all are checked, so the shared code is warm for all).
  for (const fn of Object.values(fns)) {
    for (let i = 0; i < WARMUP; i++) await fn(randomKey().t, randomKey().id);
  }
  log(`latency: ${ROUNDS} rounds x ${PER_ROUND} calls per variant, one connection`);
  const lat = await latency(fns);
  await one.ownerClient.end();
  await one.loginClient.end();

  const pooled = {
    ownerClient: postgres(ownerUrl, { max: POOL, onnotice: () => {} }),
    loginClient: postgres(loginUrl, { max: POOL, onnotice: () => {} }),
  };
  const pfns = variants({ ...pooled, config });
  const tput = {};
  for (const name of [
    'unscoped.prepared',
    'unscoped.default',
    'scoped.withTenant',
    'scoped.prepared',
    'scoped.raw',
    'naive.transaction',
  ]) {
    await throughput(pfns[name]); // warm every pooled connection
    log(`throughput: ${name}, ${CONCURRENCY} callers, pool of ${POOL}`);
    tput[name] = await throughput(pfns[name]);
  }
  await pooled.ownerClient.end();
  await pooled.loginClient.end();

  const trips = await roundTrips(fns, config);
  const floor = lat['unscoped.prepared'];
  const results = Object.fromEntries(
    Object.keys(fns).map((name) => [
      name,
      {
        ...lat[name],
        p50VsUnscopedPrepared: Number((lat[name].p50Us / floor.p50Us).toFixed(2)),
        p99VsUnscopedPrepared: Number((lat[name].p99Us / floor.p99Us).toFixed(2)),
        roundTrips: trips[name],
        ...(tput[name] === undefined ? {} : { throughputPerSecond: tput[name] }),
      },
    ]),
  );
  const pg = postgres(ownerUrl, { max: 1 });
  const [{ version }] = await pg`select version()`;
  await pg.end();
  const out = {
    benchmark: 'wrapper',
    date: new Date().toISOString(),
    setup: {
      tenants: TENANTS,
      rowsPerTenant: ROWS_PER_TENANT,
      query:
        'select name from items where tenant_id = $1 and id = $2 (primary key (tenant_id, id)); scoped variants also under the generated RLS policies',
      latency: { warmupCallsPerVariant: WARMUP, rounds: ROUNDS, callsPerRound: PER_ROUND, connections: 1 },
      throughput: { callers: CONCURRENCY, pool: POOL, seconds: THROUGHPUT_SECONDS },
      unscopedRole: 'superuser (RLS does not apply)',
      scopedRole: `${LOGIN} -> ${APP} via set_config('role', ..., true)`,
    },
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
      node: process.version,
      postgres: version,
    },
    results,
  };
  const ab = process.env.TENANCY_POSTGRES !== undefined;
  const dir = fileURLToPath(new URL(ab ? '../results/ab/' : '../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = ab ? `wrapper.${process.env.BENCH_LABEL ?? 'other'}.json` : 'wrapper.json';
  writeFileSync(`${dir}${file}`, `${JSON.stringify(out, null, 2)}\n`);
  log(JSON.stringify(results, null, 2));
}

await main();
