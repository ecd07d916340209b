// Renders docs/benchmarks.md from bench/results/*.json. Each section states what was measured, on what machine,
// and the target it is held to. Unknown result files are listed with their raw fields, never dropped.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const RESULTS = new URL('./results/', import.meta.url);
const OUT = new URL('../docs/benchmarks.md', import.meta.url);

const read = (name) => {
  const file = new URL(`${name}.json`, RESULTS);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
};
const fmt = (n, digits = 0) =>
  typeof n === 'number'
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';
const table = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
const machineLine = (m = {}, date) =>
  `Recorded ${date ?? 'n/a'} on ${m.cpu ?? 'n/a'}, ${m.cores ?? m.cpus ?? '?'} cores, Node ${m.node ?? 'n/a'}` +
  (m.postgres ? `, ${String(m.postgres).split(' on ')[0]}` : '') +
  (m.loadAverage ? `, load average ${m.loadAverage.map((x) => x.toFixed(1)).join('/')}` : '') +
  '.';

function protocol(r) {
  const labels = {
    bare: 'bare prepared query, no RLS (the floor)',
    'one-sync': 'opening + query under one Sync (one-Sync units)',
    'begin-sync': 'begin + opening, query, COMMIT: three Syncs',
    prelude: 'simple-protocol prelude, query, COMMIT (begin/commit units)',
  };
  const rows = Object.entries(r.results).map(([name, v]) => [
    labels[name] ?? name,
    `${fmt(v.p50Us)} µs`,
    `${fmt(v.p99Us)} µs`,
    `${v.p50VsBare.toFixed(2)}x`,
    `${v.p99VsBare.toFixed(2)}x`,
    fmt(v.throughputPerSecond),
    `${v.throughputVsBare.toFixed(2)}x`,
    `${fmt(v.postgresCpuUsPerUnit)} µs`,
  ]);
  return [
    '## The protocol floor (no driver)',
    '',
    machineLine(r.machine, r.date),
    '',
    `A minimal client speaks PostgreSQL's protocol directly and sends each unit shape as one write: a point query on ${fmt(r.settings?.rows)} rows under RLS. Latency: one connection, ${fmt(r.settings?.units)} sequential units; throughput: ${r.settings?.connections} connections. What no driver can beat: the wrapper's ratios against an unscoped query are bounded by these. \`bench/protocol/run.mjs\`.`,
    '',
    table(
      ['Unit shape', 'p50', 'p99', 'p50 vs bare', 'p99 vs bare', 'Units/s', 'vs bare', 'PostgreSQL CPU/unit'],
      rows,
    ),
  ].join('\n');
}

function permissions(r) {
  const by = Object.fromEntries(r.checks.map((c) => [c.name, c]));
  const row = (label, ours, casl) => [
    label,
    fmt(by[ours]?.opsPerSec),
    casl ? fmt(by[casl]?.opsPerSec) : 'n/a',
    casl && by[casl] ? `${(by[ours].opsPerSec / by[casl].opsPerSec).toFixed(1)}x` : '',
  ];
  return [
    '## Permission checks (`can()`) against CASL',
    '',
    'A compiled tenancy permission model against `@casl/ability` 7 on the same RBAC question (same roles, inheritance,',
    'a deny rule), same process, same run; both are first checked to give the same answers. Target: at least 10 million',
    'checks per second on one core, and faster than CASL. `bench/permissions.bench.mjs`.',
    '',
    machineLine({ cpu: r.cpu, cpus: r.cpus, node: r.node, loadAverage: r.loadAverage }, r.date),
    '',
    table(
      ['check', 'tenancy checks/s', 'CASL checks/s', 'speed-up'],
      [
        row('`can(membership)`, allowed', 'tenancy can(membership) allow', 'casl ability.can allow'),
        row('`can(membership)`, denied', 'tenancy can(membership) deny', 'casl ability.can deny'),
        row('`permissionsFor(m).can`, allowed', 'tenancy grant.can allow', 'casl ability.can allow'),
        row('`permissionsFor(m).can`, denied', 'tenancy grant.can deny', 'casl ability.can deny'),
        row('`can(membership, { workspaceId })`', 'tenancy can(membership, workspace) allow'),
        row('`permissionsFor(m).can(p, { workspaceId })`', 'tenancy grant.can(workspace) allow'),
      ],
    ),
  ].join('\n');
}

function resolve(r) {
  return [
    '## `tenancy.resolve()` per request',
    '',
    'The whole path an adapter takes for one request with a warm tenant cache and an HS256 JWT: token extraction and',
    'verification, subdomain resolution, cached tenant and membership lookups, the frozen context. Target: under 30 µs,',
    'most of it jose. The verified-token cache (identity.md) serves a session’s repeated token without re-checking',
    'the signature; the row "signature verified every time" is the cost of a token’s first use. `bench/resolve.bench.mjs`.',
    '',
    machineLine(r.machine, r.date),
    '',
    table(
      ['task', 'ops/s', 'p50 µs', 'p99 µs', 'mean µs'],
      r.rows.map((x) => [x.name, fmt(x.opsPerSec), fmt(x.p50Us, 2), fmt(x.p99Us, 2), fmt(x.meanUs, 2)]),
    ),
  ].join('\n');
}

function rls(r) {
  const res = r.results;
  const row = (q, v, label) => {
    const x = res[`${q}.${v}`];
    return [
      label,
      fmt(x?.queryLatencyMs, 3),
      x?.queryVsExplicit === undefined ? '' : `${x.queryVsExplicit}x`,
      fmt(x?.tps),
    ];
  };
  const plan = (key) => (r.plans?.[key] ?? []).map((l) => `    ${l}`).join('\n');
  return [
    '## RLS policies against an explicit `WHERE tenant_id = $1`',
    '',
    `${fmt(r.setup?.tenants)} tenants x ${fmt((r.setup?.tenants ?? 0) * (r.setup?.rowsPerTenant ?? 0))} rows, composite`,
    'primary key `(tenant_id, id)`, pgbench `-M prepared` with one client; every variant runs the same statements per',
    'transaction (begin, set_config, the query, commit), so only the query differs. Query latency is pgbench’s',
    'per-statement latency (median of interleaved rounds). Target: the generated policy within 10% of the explicit',
    'query, with the tenant predicate an index condition. The naive policy',
    '(`tenant_id::text = current_setting(...) OR <admin setting>`) is shown for contrast. `bench/rls/run.mjs`.',
    '',
    machineLine(r.machine, r.date),
    '',
    table(
      ['query', 'policy', 'query latency ms', 'vs explicit', 'transactions/s'],
      ['point', 'list'].flatMap((q) =>
        [
          ['explicit', 'explicit `WHERE`, no RLS'],
          ['generated', 'generated (`tenant_id = (select tenancy.tenant_id())`)'],
          ['naive', 'naive (`::text` cast, `OR` admin)'],
        ].map(([v, label]) => {
          const [l, ms, vs, tps] = row(q, v, label);
          return [q === 'point' ? 'point (1 row)' : 'list (50 rows)', l, ms, vs, tps];
        }),
      ),
    ),
    '',
    'Plans (EXPLAIN ANALYZE, costs off):',
    '',
    '```',
    'generated, point query:',
    plan('generated.point'),
    'naive, point query:',
    plan('naive.point'),
    '```',
  ].join('\n');
}

function wrapper(r) {
  const labels = {
    'unscoped.prepared': 'Drizzle `.prepare()`, unscoped, no transaction (baseline)',
    'unscoped.default': 'Drizzle default (unnamed statement), unscoped',
    'scoped.withTenant': '`withTenant` + Drizzle query returned unawaited',
    'scoped.prepared': '`withTenant` + `tenantDb.prepare()`',
    'scoped.raw': '`withTenantSql` (raw postgres.js)',
    'naive.transaction': 'naive: `db.transaction` + awaited `set_config`',
  };
  return [
    '## Tenant-scoped database (`withTenant`) against an unscoped query',
    '',
    `${fmt(r.setup?.tenants)} tenants x ${fmt((r.setup?.tenants ?? 0) * (r.setup?.rowsPerTenant ?? 0))} rows; a single-row read by`,
    `primary key. Latency: p50/p99 over interleaved rounds on one connection${r.setup?.latency?.warmupCallsPerVariant ? `, after ${fmt(r.setup.latency.warmupCallsPerVariant)} warm-up calls per variant` : ''}; round trips counted by the TCP proxy of`,
    '`@tenancy/postgres/testing`; throughput: 50 concurrent callers on a pool of 10. Targets: p50 within 1.25x and p99',
    'within 1.5x of the unscoped Drizzle query; the naive pattern about 3x. `bench/wrapper/run.mjs`.',
    '',
    machineLine(r.machine, r.date),
    '',
    table(
      ['variant', 'round trips', 'p50 µs', 'p99 µs', 'p50 vs baseline', 'p99 vs baseline', 'throughput/s'],
      Object.entries(r.results).map(([k, x]) => [
        labels[k] ?? k,
        fmt(x.roundTrips),
        fmt(x.p50Us),
        fmt(x.p99Us),
        `${x.p50VsUnscopedPrepared ?? 1}x`,
        `${x.p99VsUnscopedPrepared ?? 1}x`,
        fmt(x.throughputPerSecond),
      ]),
    ),
  ].join('\n');
}

// The lines an Express result's section opens with (run.mjs and interleaved.mjs record the machine alike): title,
// description, the servers' NODE_OPTIONS, how it was measured, the machine.
const expressIntro = (r, title, method) => [
  title,
  '',
  r.description ?? '',
  ...(r.machine?.nodeOptions
    ? ['', `Servers run with \`NODE_OPTIONS=${r.machine.nodeOptions}\` (every variant alike).`]
    : []),
  '',
  method,
  '',
  machineLine(
    {
      cpu: r.machine?.cpuModel,
      cores: r.machine?.cpus,
      node: r.machine?.node,
      postgres: r.machine?.postgres,
      loadAverage: r.machine?.loadAverage,
    },
    r.date,
  ),
  '',
];

function express(r, title = '## Express example: throughput with and without tenancy') {
  const s = r.summary ?? {};
  const row = (name) => {
    const x = s[name] ?? {};
    return [
      name,
      fmt(x.requestsPerSec ?? x.requestsPerSecond),
      fmt(x.latencyMs?.p50),
      fmt(x.latencyMs?.p99),
      fmt(x.serverCpuMicrosPerRequest, 1),
      fmt(x.serverSystemMicrosPerRequest, 1),
      fmt(x.serverSyscallsPerRequest, 1),
    ];
  };
  return [
    ...expressIntro(
      r,
      title,
      `autocannon, ${r.settings?.connections} connections, ${r.settings?.durationSec} s x ${r.settings?.rounds} alternating rounds, medians; pool ${r.settings?.poolSize}. Target: scoped at least 85% of unscoped. \`bench/express/run.mjs\`.`,
    ),
    table(
      ['variant', 'req/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'of it system µs', 'read/write calls/req'],
      Object.keys(s)
        .filter((k) => typeof s[k] === 'object' && s[k] !== null && !Array.isArray(s[k]))
        .map(row),
    ),
    '',
    typeof s.ratio === 'number'
      ? `Scoped throughput: **${(s.ratio * (s.ratio <= 1 ? 100 : 1)).toFixed(1)}%** of unscoped${typeof s.tenancyRatio === 'number' ? `; tenancy alone (one route): **${(s.tenancyRatio * 100).toFixed(1)}%**` : ''}.`
      : '',
  ].join('\n');
}

function expressInterleaved(r, title = '## Express example: interleaved windows (paired ratios)') {
  const s = r.summary ?? {};
  const pct = (x) => (typeof x === 'number' ? `${(x * 100).toFixed(1)}%` : 'n/a');
  const names = r.settings?.variants ?? Object.keys(s).filter((k) => typeof s[k] === 'object' && s[k] !== null);
  return [
    ...expressIntro(
      r,
      title,
      `autocannon, ${r.settings?.connections} connections, ${r.settings?.pairs} pairs of ${r.settings?.windowSec} s windows after ${r.settings?.warmupSec} s of warm-up per server; pool ${r.settings?.poolSize}. Target: scoped at least 85% of unscoped. \`bench/express/interleaved.mjs\`.`,
    ),
    table(
      [
        'variant',
        'median req/s',
        'server CPU µs/req',
        'throughput vs unscoped (IQR)',
        'CPU per request, unscoped / variant (IQR)',
      ],
      names.map((name) => {
        const x = s[name] ?? {};
        return [
          name,
          fmt(x.requestsPerSec),
          fmt(x.serverCpuMicrosPerRequest, 1),
          x.throughputRatio === undefined
            ? ''
            : `${pct(x.throughputRatio)} (${(x.throughputRatioIqr ?? []).map(pct).join(' to ')})`,
          x.cpuRatio === undefined ? '' : `${pct(x.cpuRatio)} (${(x.cpuRatioIqr ?? []).map(pct).join(' to ')})`,
        ];
      }),
    ),
    '',
    typeof s.scoped?.throughputRatio === 'number'
      ? `Scoped throughput: **${pct(s.scoped.throughputRatio)}** of unscoped (median of ${r.settings?.pairs} paired windows)${typeof s.tenancy?.throughputRatio === 'number' ? `; tenancy alone (one route): **${pct(s.tenancy.throughputRatio)}**` : ''}.`
      : '',
  ].join('\n');
}

function generic(name, r) {
  return [
    `## ${name}`,
    '',
    machineLine(r.machine, r.date),
    '',
    '```json',
    JSON.stringify(r, null, 2).slice(0, 4000),
    '```',
  ].join('\n');
}

const RENDERERS = {
  permissions,
  resolve,
  rls,
  wrapper,
  protocol: (r) => protocol(r),
  express: (r) => express(r),
  'express-async-context-frame': (r) =>
    express(r, '## Express example with `--experimental-async-context-frame` (Node 22; the default from Node 24)'),
  'express-interleaved': (r) => expressInterleaved(r),
  'express-interleaved-node24': (r) =>
    expressInterleaved(
      r,
      '## Express example, interleaved windows, on Node 24 (`AsyncLocalStorage` without promise hooks by default)',
    ),
  'express-interleaved-async-context-frame': (r) =>
    expressInterleaved(
      r,
      '## Express example, interleaved windows, with `--experimental-async-context-frame` (Node 22; the default from Node 24)',
    ),
};
const ORDER = [
  'permissions',
  'resolve',
  'rls',
  'protocol',
  'wrapper',
  'express-interleaved',
  'express-interleaved-async-context-frame',
  'express-interleaved-node24',
  'express',
  'express-async-context-frame',
];

export function renderBenchmarks(extra = {}) {
  const renderers = { ...RENDERERS, ...extra };
  const names = existsSync(RESULTS)
    ? readdirSync(RESULTS)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -5))
    : [];
  names.sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
  const sections = names.map((n) => (renderers[n] ?? ((r) => generic(n, r)))(read(n)));
  const doc = [
    '# Benchmarks',
    '',
    'Every number here comes from a script in `bench/`, run by `pnpm bench` (which rebuilds the packages and rewrites',
    'this page from `bench/results/*.json`). They are measurements, not test assertions: CI never fails on timing.',
    `Machine of the last render: ${os.cpus()[0]?.model ?? 'n/a'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB,`,
    `${os.type()} ${os.release()}. The machine is a shared 2-core VM: expect ±20% between runs; the ratios within one`,
    'run (same process, interleaved rounds) are the meaningful figures.',
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
  writeFileSync(OUT, doc);
  return fileURLToPath(OUT);
}
