#!/usr/bin/env node
// RLS overhead benchmark: 1,000 tenants x 1,000,000 rows. The same point query and 50-row list query, measured
// with pgbench (-M prepared, one client), three ways:
//   explicit   WHERE tenant_id = $1, no RLS (a BYPASSRLS role)          - the baseline
//   generated  the policies tenancy generates: tenant_id = (select tenancy.tenant_id()), no OR, RLS forced
//   naive      tenant_id::text = current_setting(...) OR an admin setting  - the shape to avoid
// Every variant runs the same statements per transaction (begin; set_config(...); the query; commit), so only the
// query differs. Writes bench/results/rls.json. Usage: DATABASE_URL=postgres://... node bench/rls/run.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSql, resolveConfig } from '@tenancy/postgres';
import postgres from 'postgres';

const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const TENANTS = 1000;
const ROWS_PER_TENANT = 1000;
const DB = 'tenancy_bench_rls';
const APP = 'tenancy_bench_app';
const PLATFORM = 'tenancy_bench_platform';
const BYPASS = 'tenancy_bench_bypass';
const NAIVE = 'tenancy_bench_naive';

const withDb = (url, db) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};
const url = withDb(SERVER, DB);
const log = (line) => process.stderr.write(`${line}\n`);

// Tenant i's id is md5(i)::uuid: computable inside a pgbench script, whose variables are integers.
const tenantExpr = (v) => `md5(${v}::text)::uuid`;

async function setUp() {
  const admin = postgres(SERVER, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${DB} with (force)`);
  await admin.unsafe(`create database ${DB}`);
  await admin.end();

  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const started = Date.now();
  await sql.unsafe(`
    create table items (
      tenant_id uuid not null, id integer not null, name text not null, created_at timestamptz not null,
      primary key (tenant_id, id));
    insert into items
      select ${tenantExpr('t')}, i, 'item ' || i, now() - i * interval '1 minute'
      from generate_series(1, ${TENANTS}) t, generate_series(1, ${ROWS_PER_TENANT}) i;
    create table items_naive (like items including all);
    insert into items_naive select * from items;
  `);
  log(`loaded ${TENANTS * ROWS_PER_TENANT} rows twice in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // The generated policies, exactly as `tenancy generate` writes them for this table.
  const config = resolveConfig({
    roles: { app: APP, platform: PLATFORM },
    tables: { items: { scope: 'tenant' }, items_naive: { scope: 'ignore', reason: 'naive policy for contrast' } },
  });
  await sql.unsafe(generateSql(config, { transaction: false }));
  await sql.unsafe(`
    do $$ begin
      if not exists (select from pg_roles where rolname = '${BYPASS}') then create role ${BYPASS} nologin bypassrls; end if;
      if not exists (select from pg_roles where rolname = '${NAIVE}') then create role ${NAIVE} nologin; end if;
    end $$;
    grant select on items to ${BYPASS};
    grant ${BYPASS}, ${NAIVE} to current_user;
    alter table items_naive enable row level security;
    alter table items_naive force row level security;
    grant select on items_naive to ${NAIVE};
    create policy naive_isolation on items_naive to ${NAIVE}
      using (tenant_id::text = current_setting('app.tenant_id') or current_setting('app.is_admin', true) = 'true');
  `);
  // Separately: VACUUM cannot run inside the implicit transaction of a multi-statement string.
  await sql.unsafe('vacuum analyze items');
  await sql.unsafe('vacuum analyze items_naive');
  return { sql, config };
}

const VARIANTS = {
  explicit: {
    context: (t) => `select set_config('tenancy.tenant_id', ${t}::text, true), set_config('role', '${BYPASS}', true)`,
    point: (t) => `select * from items where tenant_id = ${tenantExpr(t)} and id = :i`,
    list: (t) => `select * from items where tenant_id = ${tenantExpr(t)} order by id limit 50`,
  },
  generated: {
    context: (t) =>
      `select set_config('tenancy.tenant_id', ${tenantExpr(t)}::text, true), set_config('role', '${APP}', true)`,
    point: () => 'select * from items where id = :i',
    list: () => 'select * from items order by id limit 50',
  },
  naive: {
    context: (t) =>
      `select set_config('app.tenant_id', ${tenantExpr(t)}::text, true), set_config('role', '${NAIVE}', true)`,
    point: () => 'select * from items_naive where id = :i',
    list: () => 'select * from items_naive order by id limit 50',
  },
};

// explicit passes the tenant number to set_config (its query computes the uuid itself); the others compute it in
// set_config. Either way each transaction computes md5() once or twice: noise next to the query.
function script(variant, query) {
  const v = VARIANTS[variant];
  return [
    `\\set t random(1, ${TENANTS})`,
    `\\set i random(1, ${ROWS_PER_TENANT})`,
    'begin;',
    `${v.context(':t')};`,
    `${v[query](':t')};`,
    'commit;',
    '',
  ].join('\n');
}

function pgbench(file) {
  const out = execFileSync(
    'pgbench',
    ['-n', '-r', '-M', 'prepared', '-c', '1', '-j', '1', '-T', String(SECONDS), '-f', file, url],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
  const latency = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1]);
  // With -r pgbench prints each statement's average latency (ms); the 4th statement is the measured query.
  const statements = [...out.matchAll(/^\s+([\d.]+)\s+\d+\s+(\S.*)$/gm)].map((m) => ({ ms: Number(m[1]), text: m[2] }));
  const queryMs = statements.find((s) => /from items/.test(s.text))?.ms;
  return { tps, latencyMs: latency, queryMs };
}

async function plans(sql, t = 42, i = 7) {
  const out = {};
  for (const [variant, v] of Object.entries(VARIANTS)) {
    for (const query of ['point', 'list']) {
      const text = v[query](String(t)).replace(':i', String(i));
      const rows = await sql.begin(async (tx) => {
        await tx.unsafe(v.context(String(t)));
        return tx.unsafe(`explain (analyze, costs off, timing off, summary off) ${text}`);
      });
      out[`${variant}.${query}`] = rows.map((r) => r['QUERY PLAN']);
    }
  }
  return out;
}

const { sql } = await setUp();
const dir = mkdtempSync(join(os.tmpdir(), 'tenancy-bench-rls-'));
const results = {};
for (const query of ['point', 'list']) {
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of Object.keys(VARIANTS)) {
      const file = join(dir, `${variant}-${query}.sql`);
      writeFileSync(file, script(variant, query));
      const r = pgbench(file);
      log(`${query} ${variant} round ${round + 1}: ${r.tps.toFixed(0)} tps, query ${r.queryMs} ms`);
      const key = `${query}.${variant}`;
      results[key] = [...(results[key] ?? []), r];
    }
  }
}
const explain = await plans(sql);
const [{ version }] = await sql`select version()`;
await sql.end();
const admin = postgres(SERVER, { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${DB} with (force)`);
// Roles outlive the database; with it gone they hold nothing and can go too.
for (const role of [APP, PLATFORM, BYPASS, NAIVE]) await admin.unsafe(`drop role if exists ${role}`);
await admin.end();

// Median of the rounds, which run interleaved: on a shared machine one slow round measures the neighbours.
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const med = (key, field) => median(results[key].map((r) => r[field]));
const summary = {};
for (const query of ['point', 'list']) {
  for (const variant of Object.keys(VARIANTS)) {
    const key = `${query}.${variant}`;
    summary[key] = {
      tps: Math.round(med(key, 'tps')),
      transactionLatencyMs: Number(med(key, 'latencyMs').toFixed(3)),
      queryLatencyMs: Number(med(key, 'queryMs').toFixed(4)),
      queryVsExplicit: Number((med(key, 'queryMs') / med(`${query}.explicit`, 'queryMs')).toFixed(2)),
      transactionVsExplicit: Number((med(`${query}.explicit`, 'tps') / med(key, 'tps')).toFixed(2)),
      rounds: results[key].map((r) => ({ tps: Math.round(r.tps), queryMs: r.queryMs })),
    };
  }
}

const pgbenchVersion = execFileSync('pgbench', ['--version'], { encoding: 'utf8' }).trim();
const report = {
  benchmark: 'rls',
  date: new Date().toISOString(),
  setup: { tenants: TENANTS, rowsPerTenant: ROWS_PER_TENANT, secondsPerRun: SECONDS, rounds: ROUNDS, clients: 1 },
  machine: {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: version,
    pgbench: pgbenchVersion,
  },
  results: summary,
  indexCondition: {
    // `$0` up to PostgreSQL 15, `(InitPlan 1).col1` from 16 on.
    generatedPoint: explain['generated.point'].some((l) =>
      /Index Cond: \(\(tenant_id = (\$0|\(InitPlan 1\)\.col1)\)/.test(l),
    ),
    generatedList: explain['generated.list'].some((l) =>
      /Index Cond: \(tenant_id = (\$0|\(InitPlan 1\)\.col1)\)/.test(l),
    ),
  },
  plans: explain,
};
const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'rls.json'), `${JSON.stringify(report, null, 2)}\n`);

const rows = Object.entries(summary).map(([key, r]) => [
  key.padEnd(16),
  String(r.tps).padStart(7),
  r.queryLatencyMs.toFixed(4).padStart(10),
  `${r.queryVsExplicit.toFixed(2)}x`.padStart(9),
  `${r.transactionVsExplicit.toFixed(2)}x`.padStart(9),
]);
process.stdout.write(
  [
    `RLS benchmark: ${TENANTS} tenants x ${TENANTS * ROWS_PER_TENANT} rows, pgbench -M prepared -c 1, median of ${ROUNDS} x ${SECONDS}s`,
    `${'query.variant'.padEnd(16)}${'tps'.padStart(8)}${'query ms'.padStart(11)}${'query/x'.padStart(10)}${'tx/x'.padStart(10)}`,
    ...rows.map((r) => r.join(' ')),
    `generated policy uses the index: point ${report.indexCondition.generatedPoint}, list ${report.indexCondition.generatedList}`,
    'wrote bench/results/rls.json',
    '',
  ].join('\n'),
);
