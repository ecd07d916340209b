// `pnpm start`: a database (DATABASE_URL, or an embedded PostgreSQL), the generated SQL applied, the demo seeded,
// `next build` when there is no build yet, then `next start`. Ctrl-C stops Next and the embedded server.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { TestPostgresServer } from '@tenancy/postgres/testing';
import { startPostgres, withDatabase } from '@tenancy/postgres/testing';
import postgres from 'postgres';
import { config } from '../src/lib/config';
import { DEMO_PASSWORD, DEMO_TENANTS, DEMO_USERS } from '../src/lib/demo-data';
import { tenantOrigin } from '../src/lib/env';
import { ensureLoginRole } from '../src/lib/login-role';
import { seedDemo } from '../src/lib/seed';
import { setupDatabase } from '../src/lib/setup-database';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
const port = Number(process.env['PORT'] ?? 3000);
const DATABASE_NAME = 'tenancy_next_app';

const children = new Set<ChildProcess>();
let embedded: TestPostgresServer | undefined;

function next(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [nextBin, ...args], { cwd: appDir, env, stdio: 'inherit' });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

async function databaseUrl(): Promise<string> {
  const given = process.env['DATABASE_URL'];
  if (given !== undefined && given !== '') return given;
  console.log('No DATABASE_URL: starting an embedded PostgreSQL (its data is discarded when this stops).');
  embedded = await startPostgres({ preferEmbedded: true, log: (line) => console.log(line) });
  const admin = postgres(embedded.url, { max: 1, onnotice: () => {} });
  try {
    const exists = await admin`select 1 from pg_database where datname = ${DATABASE_NAME}`;
    if (exists.length === 0) await admin.unsafe(`create database ${DATABASE_NAME}`);
  } finally {
    await admin.end();
  }
  return withDatabase(embedded.url, DATABASE_NAME);
}

async function stop(code: number): Promise<never> {
  for (const child of children) child.kill('SIGTERM');
  await embedded?.stop().catch(() => {});
  process.exit(code);
}

async function main(): Promise<void> {
  const url = await databaseUrl();
  // DATABASE_URL's role sets the database up (it creates roles and owns the tables); the app logs in as its own.
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  let login: Awaited<ReturnType<typeof ensureLoginRole>>;
  try {
    await setupDatabase(sql, config);
    const seeded = await seedDemo(sql, config);
    console.log(seeded === 'seeded' ? 'Seeded the demo tenants.' : 'Demo tenants already present.');
    login = await ensureLoginRole(sql, url, config);
  } finally {
    await sql.end();
  }

  const appUrl = new URL(process.env['APP_URL'] ?? `http://localhost:${port}`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    DATABASE_URL: login.url,
    APP_URL: appUrl.origin,
    // A fresh secret per start unless one is given: sessions end when the server restarts.
    SESSION_SECRET: process.env['SESSION_SECRET'] ?? randomBytes(32).toString('base64url'),
  };

  if (!existsSync(new URL('../.next/BUILD_ID', import.meta.url))) {
    console.log('No build yet: running `next build` (once; `pnpm build` rebuilds after changes).');
    const build = next(['build'], env);
    const code = await new Promise<number>((resolve) => build.on('exit', (c) => resolve(c ?? 1)));
    if (code !== 0) await stop(code);
  }

  // `-H localhost`: Next builds the proxy's request.url on "localhost", and serves rewrites itself only on the
  // origin it listens on; bound to 127.0.0.1 it would proxy every tenant rewrite as an external request.
  const server = next(['start', '-H', 'localhost', '-p', String(port)], env);
  server.on('exit', (code) => void stop(code ?? 0));

  const users = Object.values(DEMO_USERS)
    .map((u) => `    ${u.email.padEnd(22)} ${u.name}${u.platformAdmin ? ' (platform admin)' : ''}`)
    .join('\n');
  // The embedded server's URL is a throwaway local one; a given DATABASE_URL may hold a password and is not printed.
  const database =
    embedded === undefined ? '' : `\n  Embedded database (for \`pnpm exec tenancy check --database-url\`):\n    ${url}`;
  const tenants = DEMO_TENANTS.map((t) => `    ${tenantOrigin(appUrl, t.slug).padEnd(30)} ${t.name}`).join('\n');
  console.log(`
tenancy · Next.js example
  Tenants (each on its own subdomain; *.localhost resolves to your machine in Chrome, Firefox and curl):
${tenants}
  Platform (sign-in, your tenants, /admin):
    ${appUrl.origin}${database}
  Demo users, password "${DEMO_PASSWORD}":
${users}
  Ada belongs to both tenants: sign in on Acme, then switch to Globex in the header.
`);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
main().catch(async (error: unknown) => {
  console.error(error);
  await stop(1);
});
