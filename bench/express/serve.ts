// One process of the Express benchmark (run.mjs starts it through tsx, on the packages' builds):
//   setup <adminUrl>                   schema, RLS, login role, demo seed and bulk rows; prints the facts as JSON
//   unscoped <adminUrl> <tenantId>     the example's read handler and query on plain Drizzle, no tenancy at all
//   scoped <loginUrl>                  the example app itself: tenancy middleware, permission check, scoped database
//   tenancy <loginUrl>                 the baseline's one-route app plus the middleware, permission check, scoped database
//   middleware <adminUrl> <loginUrl>   breakdown: tenancy middleware and permission check, then the unscoped query
//   database <loginUrl> <tenantId>     breakdown: no middleware, the query through the scoped database
// A server prints "READY <port> CPU <port>" once it listens; the second port answers its CPU time used so far (µs).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { requireTenant } from '@tenancy/core';
import { createTenantDb, resolveConfig } from '@tenancy/postgres';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { createApp } from '../../examples/express-api/src/app.js';
import { loadAppConfig } from '../../examples/express-api/src/app-config.js';
import { applySchema } from '../../examples/express-api/src/database/apply-schema.js';
import { ensureLoginRole } from '../../examples/express-api/src/database/login-role.js';
import { pageSchema, parse } from '../../examples/express-api/src/http/validate.js';
import { pageValues, projectsPageQuery, toPage } from '../../examples/express-api/src/routes/projects.js';
import { projects } from '../../examples/express-api/src/schema.js';
import { seedDemo } from '../../examples/express-api/src/seed.js';
import { createAppServices } from '../../examples/express-api/src/services.js';
import tenancyConfigInput from '../../examples/express-api/tenancy.config.js';

// express and @tenancy/express are the example's dependencies, not the bench package's: load the very copies (the same
// module instances) the example uses. express is CommonJS; @tenancy/express through its ESM entry, as the example
// imports it.
const exampleRequire = createRequire(new URL('../../examples/express-api/package.json', import.meta.url));
const express = exampleRequire('express') as typeof import('express');
const tenancyExpressPackage = exampleRequire.resolve('@tenancy/express/package.json');
const tenancyExpressEntry = (
  JSON.parse(readFileSync(tenancyExpressPackage, 'utf8')) as { exports: { '.': { import: { default: string } } } }
).exports['.'].import.default;
const { requirePermission, tenancyMiddleware } = (await import(
  pathToFileURL(join(dirname(tenancyExpressPackage), tenancyExpressEntry)).href
)) as typeof import('@tenancy/express');

const JWT_SECRET = 'bench-secret-of-the-express-benchmark-32+bytes';
const EXTRA_TENANTS = 8;
const ROWS_PER_TENANT = 500;
// Roles of their own: on a shared server (DATABASE_URL) the benchmark must not touch anyone else's.
const tenancyConfig = resolveConfig({
  ...tenancyConfigInput,
  roles: { app: 'tenancy_bench_app', platform: 'tenancy_bench_platform' },
});
const config = loadAppConfig({ JWT_SECRET });

// The CPU time this process has used (user and system, µs) and its read and write system calls, for run.mjs to divide
// by the requests served: on a machine shared with other work, CPU per request is steadier than requests per second.
// Served from a separate port, so it touches neither app's middleware.
async function serveCpuUsage(): Promise<number> {
  const { createServer } = await import('node:http');
  const server = createServer((_req, res) => {
    const { user, system } = process.cpuUsage();
    // Read and write system calls so far (Linux), to tell kernel time per request from work in JavaScript.
    let syscalls: Record<string, number> = {};
    try {
      syscalls = Object.fromEntries(
        readFileSync('/proc/self/io', 'utf8')
          .split('\n')
          .map((line) => line.split(': '))
          .filter(([key]) => key === 'syscr' || key === 'syscw')
          .map(([key, value]) => [key as string, Number(value)]),
      );
    } catch {
      // not Linux
    }
    res.end(JSON.stringify({ user, system, ...syscalls }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function listen(app: import('express').Express): Promise<void> {
  const cpuPort = await serveCpuUsage();
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  process.stdout.write(`READY ${(server.address() as AddressInfo).port} CPU ${cpuPort}\n`);
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function setup(adminUrl: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 2, onnotice: () => {} });
  await applySchema(admin, tenancyConfig);
  const login = await ensureLoginRole(admin, adminUrl, tenancyConfig);
  const tenantSql = postgres(login.url, { max: 2, onnotice: () => {} });
  const platformSql = postgres(login.url, { max: 2, onnotice: () => {} });
  const services = await createAppServices({ tenantSql, platformSql, tenancyConfig, config });
  const demo = await seedDemo(services);
  for (let i = 1; i <= EXTRA_TENANTS; i++) {
    await services.lifecycle.createTenant({
      slug: `bench-${i}`,
      name: `Bench ${i}`,
      owner: { email: `owner-${i}@bench.test` },
    });
  }
  // Bulk rows as the owner (no RLS in the way): every tenant gets the same number of projects, spread over time.
  await admin`
    insert into public.projects (tenant_id, name, created_at)
    select t.id, 'Project ' || g, now() - g * interval '1 minute'
    from tenancy.tenants t cross join generate_series(1, ${ROWS_PER_TENANT}) g`;
  await admin`analyze public.projects`;
  const [{ count } = { count: '0' }] = await admin<
    Array<{ count: string }>
  >`select count(*)::text from public.projects`;
  const token = await services.tokens.sign({
    userId: demo.users.ada.id,
    email: demo.users.ada.email,
    tenantId: demo.tenants.acme.id,
  });
  const [{ version } = { version: '' }] = await admin<Array<{ version: string }>>`select version()`;
  await services.close();
  await Promise.all([admin.end(), tenantSql.end(), platformSql.end()]);
  process.stdout.write(
    `${JSON.stringify({ tenantId: demo.tenants.acme.id, token, loginUrl: login.url, rows: Number(count), tenants: 2 + EXTRA_TENANTS, postgres: version })}\n`,
  );
}

// The baseline: the same handler body and the same prepared query as GET /projects, on a plain Drizzle instance over
// the table owner's connection, with the tenant filter written by hand. No resolution, no token, no RLS.
async function unscoped(adminUrl: string, tenantId: string): Promise<void> {
  const db = drizzle(postgres(adminUrl, { max: 10, onnotice: () => {} }));
  const app = express();
  app.use(express.json());
  const listProjects = projectsPageQuery(db, eq(projects.tenantId, tenantId));
  app.get('/projects', async (req, res) => {
    const page = parse(pageSchema, req.query, 'query');
    const rows = await listProjects.execute(pageValues(page));
    res.json(toPage(rows, page));
  });
  await listen(app);
}

// The example as it ships: createApp() with the real services, connected as the unprivileged login role.
async function scoped(loginUrl: string): Promise<void> {
  const tenantSql = postgres(loginUrl, { max: 10, onnotice: () => {} });
  const platformSql = postgres(loginUrl, { max: 2, onnotice: () => {} });
  const services = await createAppServices({ tenantSql, platformSql, tenancyConfig, config });
  await listen(createApp(services));
}

// Everything tenancy adds and nothing else: the baseline's app (one route, the same handler body) with the tenancy
// middleware, the permission check and the scoped database of the example's services. The difference to `scoped` is
// the example app's own routing (its other routers and routes are matched on every request).
async function tenancyOnly(loginUrl: string): Promise<void> {
  const tenantSql = postgres(loginUrl, { max: 10, onnotice: () => {} });
  const platformSql = postgres(loginUrl, { max: 2, onnotice: () => {} });
  const services = await createAppServices({ tenantSql, platformSql, tenancyConfig, config });
  const db = services.db;
  const app = express();
  app.use(express.json());
  app.use(tenancyMiddleware(services.tenancy));
  const listProjects = db.prepare((tx) => projectsPageQuery(tx));
  app.get('/projects', requirePermission('project:read'), async (req, res) => {
    const page = parse(pageSchema, req.query, 'query');
    const rows = await db.run((tx) => listProjects.execute(tx, pageValues(page)));
    res.json(toPage(rows, page));
  });
  await listen(app);
}

// Breakdown: what the middleware costs alone (resolution, token, membership, permission, context), with the same
// hand-filtered query on the owner's connection as the baseline.
async function middlewareOnly(adminUrl: string, loginUrl: string): Promise<void> {
  const db = drizzle(postgres(adminUrl, { max: 10, onnotice: () => {} }));
  const platformSql = postgres(loginUrl, { max: 2, onnotice: () => {} });
  const services = await createAppServices({ tenantSql: platformSql, platformSql, tenancyConfig, config });
  const app = express();
  app.use(express.json());
  app.use(tenancyMiddleware(services.tenancy));
  const listProjects = projectsPageQuery(db, eq(projects.tenantId, sql.placeholder('tenantId')));
  app.get('/projects', requirePermission('project:read'), async (req, res) => {
    const page = parse(pageSchema, req.query, 'query');
    const rows = await listProjects.execute({ ...pageValues(page), tenantId: requireTenant().tenantId });
    res.json(toPage(rows, page));
  });
  await listen(app);
}

// Breakdown: what the scoped database costs alone (one transaction, tenant and role set, RLS), no middleware.
async function databaseOnly(loginUrl: string, tenantId: string): Promise<void> {
  const db = createTenantDb({ client: postgres(loginUrl, { max: 10, onnotice: () => {} }), config: tenancyConfig });
  const app = express();
  app.use(express.json());
  const listProjects = db.prepare((tx) => projectsPageQuery(tx));
  app.get('/projects', async (req, res) => {
    const page = parse(pageSchema, req.query, 'query');
    const rows = await db.withTenant(tenantId, (tx) => listProjects.execute(tx, pageValues(page)));
    res.json(toPage(rows, page));
  });
  await listen(app);
}

const [mode, a = '', b = ''] = process.argv.slice(2);
const modes: Record<string, () => Promise<void>> = {
  setup: () => setup(a),
  unscoped: () => unscoped(a, b),
  scoped: () => scoped(a),
  tenancy: () => tenancyOnly(a),
  middleware: () => middlewareOnly(a, b),
  database: () => databaseOnly(a, b),
};
const run = mode === undefined ? undefined : modes[mode]?.();
if (run === undefined) {
  process.stderr.write('usage: serve.ts setup|unscoped|scoped|middleware|database <args> (see the top of this file)\n');
  process.exit(2);
}
run.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
