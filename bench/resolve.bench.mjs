// `tenancy.resolve()` per request with a warm tenant cache and an HS256 JWT: the full path an adapter takes
// (token extraction and verification with jose, subdomain resolution, cached tenant and membership lookups, context).
// Runs against the BUILT packages: `pnpm --filter @tenancy/core build && node bench/resolve.bench.mjs`.
// Writes bench/results/resolve.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createMemoryTenantStore, createTenancy, definePermissions, fromSubdomain } from '@tenancy/core';
import { jwtVerify, SignJWT } from 'jose';
import { Bench } from 'tinybench';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 2_000);
const SECRET = 'a-benchmark-secret-of-at-least-32-bytes';
const key = new TextEncoder().encode(SECRET);
const TENANT = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';

const store = createMemoryTenantStore({
  tenants: [{ id: TENANT, slug: 'acme', name: 'Acme', status: 'active' }],
  memberships: [{ tenantId: TENANT, userId: 'user_1', roles: ['member'] }],
});
const permissions = definePermissions({
  resources: { project: ['read', 'create'] },
  roles: { member: { allow: ['project:*'] } },
});
const tenancy = createTenancy({
  store,
  strategies: [fromSubdomain({ baseDomain: 'example.com' })],
  identity: { secret: SECRET },
  permissions,
});
// The same, verifying the signature on every request (no verified-token cache): the cost of a token's first use.
const uncached = createTenancy({
  store,
  strategies: [fromSubdomain({ baseDomain: 'example.com' })],
  identity: { secret: SECRET, verifiedTokenCache: false },
  permissions,
});
const token = await new SignJWT({ sub: 'user_1' })
  .setProtectedHeader({ alg: 'HS256' })
  .setExpirationTime('2h')
  .sign(key);
const headers = { host: 'acme.example.com', authorization: `Bearer ${token}` };
const hmacKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);

// Warm the cache and check the path really resolves before timing it.
const first = await tenancy.resolve(new Request('https://acme.example.com/projects', { headers }));
if (first.context?.tenantId !== TENANT || !first.can('project:read')) throw new Error('resolve() did not resolve');

const bench = new Bench({ time: TIME_MS, warmupTime: 500 });
bench
  .add('new Request() only (baseline the adapters pay anyway)', () => {
    new Request('https://acme.example.com/projects', { headers });
  })
  .add('jose jwtVerify HS256 only', async () => {
    await jwtVerify(token, hmacKey, { algorithms: ['HS256'] });
  })
  .add('tenancy.resolve() warm cache + HS256 JWT (incl. new Request)', async () => {
    const resolved = await tenancy.resolve(new Request('https://acme.example.com/projects', { headers }));
    if (resolved.context === undefined) throw new Error('unresolved');
  })
  .add('tenancy.resolve() warm cache, signature verified every time', async () => {
    const resolved = await uncached.resolve(new Request('https://acme.example.com/projects', { headers }));
    if (resolved.context === undefined) throw new Error('unresolved');
  })
  .add('tenancy.resolve() + can()', async () => {
    const resolved = await tenancy.resolve(new Request('https://acme.example.com/projects', { headers }));
    if (!resolved.can('project:create')) throw new Error('denied');
  });
await bench.run();

const rows = bench.tasks.map((t) => {
  const r = t.result;
  const latency = r.latency ?? r;
  return {
    name: t.name,
    opsPerSec: Math.round(r.throughput?.mean ?? r.hz),
    meanUs: Number(((latency.mean ?? 0) * 1000).toFixed(2)),
    p50Us: Number(((latency.p50 ?? 0) * 1000).toFixed(2)),
    p99Us: Number(((latency.p99 ?? 0) * 1000).toFixed(2)),
    samples: latency.samplesCount ?? r.samples?.length ?? 0,
  };
});
console.table(rows);
const out = {
  benchmark: 'resolve',
  date: new Date().toISOString(),
  machine: {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  },
  rows,
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/resolve.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
