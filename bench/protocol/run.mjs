#!/usr/bin/env node
// The protocol floor: what a tenant-scoped point query costs on the wire itself, with no driver, no Drizzle and no
// wrapper in the way. A minimal client (this file) speaks PostgreSQL's protocol over one socket per connection and
// sends each unit shape as one write:
//   bare        Bind/Execute/Sync of the prepared point query (as the table owner: no RLS)  - the floor
//   one-sync    the opening (prepared set_config x4) and the query under one Sync           - tenancy's one-Sync units
//   begin-sync  begin + opening under one Sync, the query, COMMIT: three Syncs                - (what a driver with
//               one Sync per statement could at best do with a prepared opening)
//   prelude     one simple Query (begin; select set_config x4 with literals), the query, a simple COMMIT
//               - tenancy's begin/commit units
// Latency: one connection, sequential. Throughput: 10 connections, each sequential. PostgreSQL CPU per unit is read
// from /proc for the backends (Linux, same machine). It shows how far any driver could get: ratios against `bare`
// here bound the wrapper's ratios from below. Writes bench/results/protocol.json.
// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/protocol/run.mjs
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const UNITS = Number(process.env.BENCH_UNITS ?? 10_000);
const CONNECTIONS = 10;
const ROWS = 200_000;
const TENANTS = 1_000;
const DB = 'tenancy_bench_protocol';
const APP = 'tenancy_pbench_app';

const url = new URL(SERVER);
const dbUrl = (() => {
  const u = new URL(SERVER);
  u.pathname = `/${DB}`;
  return u.toString();
})();
const tenant = (n) => `00000000-0000-4000-8000-${(n % TENANTS).toString(16).padStart(12, '0')}`;

async function setUp() {
  const admin = postgres(SERVER, { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${DB}`;
  if (!exists) await admin.unsafe(`create database ${DB}`);
  const [role] = await admin`select 1 from pg_roles where rolname = ${APP}`;
  if (!role) await admin.unsafe(`create role ${APP}`);
  await admin.end();
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  const [loaded] =
    await sql`select count(*)::int as n from pg_class where relname = 'items' and reltuples >= ${ROWS * 0.99}`;
  if (!loaded?.n) {
    await sql.unsafe(`
      drop table if exists items;
      create schema if not exists bench;
      create or replace function bench.tenant_id() returns uuid language sql stable
        as $$ select nullif(pg_catalog.current_setting('bench.tenant_id', true), '')::uuid $$;
      create table items (tenant_id uuid not null, id bigint not null, name text not null, primary key (tenant_id, id));
      insert into items
        select ('00000000-0000-4000-8000-' || lpad(to_hex(g % ${TENANTS}), 12, '0'))::uuid, g, 'item ' || g
        from generate_series(1, ${ROWS}) g;
      alter table items enable row level security;
      create policy tenant_isolation on items to ${APP} using (tenant_id = bench.tenant_id());
      grant usage on schema bench to ${APP};
      grant select on items to ${APP};
      analyze items;`);
  }
  await sql.end();
}

// Protocol messages.
const msg = (type, body = Buffer.alloc(0)) => {
  const b = Buffer.alloc(5 + body.length);
  b.write(type, 0, 'latin1');
  b.writeInt32BE(4 + body.length, 1);
  body.copy(b, 5);
  return b;
};
const cstr = (s) => Buffer.from(`${s}\0`);
const i16 = (n) => Buffer.from([(n >> 8) & 255, n & 255]);
const i32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const parse = (name, text) => msg('P', Buffer.concat([cstr(name), cstr(text), i16(0)]));
const bind = (name, params) =>
  msg(
    'B',
    Buffer.concat([
      cstr(''),
      cstr(name),
      i16(0),
      i16(params.length),
      ...params.flatMap((p) => {
        const v = Buffer.from(p);
        return [i32(v.length), v];
      }),
      i16(0),
    ]),
  );
const execute = msg('E', Buffer.concat([cstr(''), i32(0)]));
const sync = msg('S');
const query = (text) => msg('Q', cstr(text));
const literal = (s) => `E'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

const POINT = 'select name from items where tenant_id = $1 and id = $2';
const OPENING =
  "select pg_catalog.set_config('bench.tenant_id', $1, true), pg_catalog.set_config('bench.user_id', $2, true), " +
  "pg_catalog.set_config('bench.workspace_id', $3, true), pg_catalog.set_config('role', $4, true)";
const prelude = (t) =>
  `begin; select pg_catalog.set_config('bench.tenant_id', ${literal(t)}, true), pg_catalog.set_config('bench.user_id', ${literal(t)}, true), pg_catalog.set_config('bench.workspace_id', '', true), pg_catalog.set_config('role', '${APP}', true)`;

/** Each shape: the bytes of one unit and how many ReadyForQuery answers end it. */
const SHAPES = {
  bare: (t, id) => [Buffer.concat([bind('point', [t, id]), execute, sync]), 1],
  'one-sync': (t, id) => [
    Buffer.concat([bind('open', [t, t, '', APP]), execute, bind('point', [t, id]), execute, sync]),
    1,
  ],
  'begin-sync': (t, id) => [
    Buffer.concat([
      bind('begin', []),
      execute,
      bind('open', [t, t, '', APP]),
      execute,
      sync,
      bind('point', [t, id]),
      execute,
      sync,
      bind('commit', []),
      execute,
      sync,
    ]),
    3,
  ],
  prelude: (t, id) => [Buffer.concat([query(prelude(t)), bind('point', [t, id]), execute, sync, query('commit')]), 3],
};

async function connect() {
  const socket = net.connect(Number(url.port || 5432), url.hostname);
  socket.setNoDelay(true);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const body = Buffer.concat([
    i32(196608),
    cstr('user'),
    cstr(decodeURIComponent(url.username || 'postgres')),
    cstr('database'),
    cstr(DB),
    Buffer.from([0]),
  ]);
  let buffer = Buffer.alloc(0);
  let pid = 0;
  let rows = 0;
  let pending = 0;
  let done = null;
  let failure = null;
  socket.on('data', (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    while (buffer.length >= 5) {
      const length = buffer.readInt32BE(1);
      if (buffer.length < length + 1) break;
      const type = buffer[0];
      if (type === 0x4b) pid = buffer.readInt32BE(5);
      else if (type === 0x44) rows++;
      else if (type === 0x45)
        failure ??= buffer
          .subarray(5, length + 1)
          .toString()
          .replace(/\0/g, ' ');
      else if (type === 0x52 && buffer.readInt32BE(5) !== 0) failure ??= 'the benchmark needs trust authentication';
      buffer = buffer.subarray(length + 1);
      if (type === 0x5a && done && --pending === 0) {
        const d = done;
        done = null;
        d();
      }
    }
  });
  const roundTrip = (bytes, answers) =>
    new Promise((resolve, reject) => {
      pending = answers;
      done = () => (failure ? reject(new Error(failure)) : resolve());
      socket.write(bytes);
    });
  await roundTrip(Buffer.concat([i32(body.length + 4), body]), 1);
  await roundTrip(
    Buffer.concat([
      parse('point', POINT),
      parse('open', OPENING),
      parse('begin', 'begin'),
      parse('commit', 'commit'),
      sync,
    ]),
    1,
  );
  return { roundTrip, pid: () => pid, rows: () => rows, close: () => socket.end() };
}

// Backend CPU in microseconds, from /proc (clock ticks of 10 ms: meaningful over thousands of units).
const backendCpu = (pid) => {
  const path = `/proc/${pid}/stat`;
  if (!existsSync(path)) return Number.NaN;
  const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1e6 / 100);
};

async function measure(shape, connections, perConnection) {
  const clients = await Promise.all(Array.from({ length: connections }, connect));
  const unit = SHAPES[shape];
  for (const c of clients) for (let i = 0; i < 200; i++) await c.roundTrip(...unit(tenant(i), String(i || 1)));
  const rowsBefore = clients.reduce((s, c) => s + c.rows(), 0);
  const pgBefore = clients.reduce((s, c) => s + backendCpu(c.pid()), 0);
  const samples = [];
  const started = performance.now();
  await Promise.all(
    clients.map(async (c, k) => {
      for (let i = 0; i < perConnection; i++) {
        const id = 1 + ((i * 7919 + k * 104_729) % ROWS);
        const t0 = performance.now();
        await c.roundTrip(...unit(tenant(id), String(id)));
        samples.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - started;
  const pg = clients.reduce((s, c) => s + backendCpu(c.pid()), 0) - pgBefore;
  const rows = clients.reduce((s, c) => s + c.rows(), 0) - rowsBefore;
  for (const c of clients) c.close();
  // Every unit must have found its row (with RLS: only when its tenant was set for the query).
  const expected = samples.length * (shape === 'bare' ? 1 : 2);
  if (rows !== expected) throw new Error(`${shape}: ${rows} rows for ${samples.length} units, expected ${expected}`);
  samples.sort((a, b) => a - b);
  const pct = (p) => Math.round(samples[Math.min(samples.length - 1, Math.floor((samples.length * p) / 100))] * 1000);
  return {
    p50Us: pct(50),
    p99Us: pct(99),
    perSecond: Math.round((samples.length / elapsed) * 1000),
    postgresCpuUsPerUnit: Math.round(pg / samples.length),
  };
}

await setUp();
const results = {};
for (const shape of Object.keys(SHAPES)) {
  const latency = await measure(shape, 1, UNITS);
  const throughput = await measure(shape, CONNECTIONS, Math.round(UNITS / CONNECTIONS));
  results[shape] = {
    p50Us: latency.p50Us,
    p99Us: latency.p99Us,
    postgresCpuUsPerUnit: latency.postgresCpuUsPerUnit,
    throughputPerSecond: throughput.perSecond,
  };
  console.error(`${shape.padEnd(11)} ${JSON.stringify(results[shape])}`);
}
for (const r of Object.values(results)) {
  r.p50VsBare = Number((r.p50Us / results.bare.p50Us).toFixed(2));
  r.p99VsBare = Number((r.p99Us / results.bare.p99Us).toFixed(2));
  r.throughputVsBare = Number((r.throughputPerSecond / results.bare.throughputPerSecond).toFixed(2));
}
const [pgVersion] = await (async () => {
  const sql = postgres(dbUrl, { max: 1 });
  const rows = await sql`select version() as v`;
  await sql.end();
  return rows.map((r) => r.v);
})();
const out = {
  date: new Date().toISOString().slice(0, 10),
  machine: {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    node: process.version,
    postgres: pgVersion,
    loadAverage: os.loadavg(),
  },
  settings: { units: UNITS, connections: CONNECTIONS, rows: ROWS, tenants: TENANTS },
  results,
};
const dir = fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}protocol.json`, `${JSON.stringify(out, null, 2)}\n`);
console.log(JSON.stringify(out, null, 2));
