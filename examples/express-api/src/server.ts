// Starts the example: DATABASE_URL or an embedded PostgreSQL, the schema and the generated RLS applied, the demo
// seeded, the API listening on PORT (default 3000), and the commands to try it printed. Ctrl-C stops everything.
import type { AddressInfo } from 'node:net';
import type { TenancyConfigInput } from '@tenancy/postgres';
import { resolveConfig } from '@tenancy/postgres';
import postgres from 'postgres';
import tenancyConfigInput from '../tenancy.config.js';
import { createApp } from './app.js';
import { loadAppConfig } from './app-config.js';
import { applySchema } from './database/apply-schema.js';
import { ensureLoginRole } from './database/login-role.js';
import { startDatabase } from './database/start-database.js';
import { seedDemo } from './seed.js';
import { createAppServices } from './services.js';
import { formatTryIt } from './try-it.js';

const log = (line: string) => process.stdout.write(`${line}\n`);

// Role names are cluster-wide: several copies of the example on one PostgreSQL server (the tests do that) each name
// their own. A deployment leaves these unset and gets tenancy_app / tenancy_platform.
function rolesFromEnv(env: NodeJS.ProcessEnv): TenancyConfigInput['roles'] {
  const app = env['TENANCY_APP_ROLE'];
  const platform = env['TENANCY_PLATFORM_ROLE'];
  const base: TenancyConfigInput = tenancyConfigInput;
  return {
    ...base.roles,
    ...(app ? { app } : {}),
    ...(platform ? { platform } : {}),
  };
}

async function main(): Promise<void> {
  const env = process.env;
  const config = loadAppConfig(env);
  if (config.usingDevSecret) {
    log('warning: JWT_SECRET is not set; tokens are signed with a development key that is in the source code.');
  }
  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('PORT must be a port number.');

  const database = await startDatabase(env, log);
  log(database.source === 'env' ? 'database: DATABASE_URL' : 'database: embedded PostgreSQL (removed on exit)');
  const tenancyConfig = resolveConfig(
    { ...tenancyConfigInput, roles: rolesFromEnv(env) },
    { source: 'tenancy.config.ts' },
  );

  const admin = postgres(database.adminUrl, { max: 1, onnotice: () => {} });
  let login: Awaited<ReturnType<typeof ensureLoginRole>>;
  try {
    await applySchema(admin, tenancyConfig);
    login = await ensureLoginRole(admin, database.adminUrl, tenancyConfig);
  } finally {
    await admin.end();
  }
  log(`schema and row level security applied; the app connects as ${login.name} (no superuser, no BYPASSRLS)`);

  const tenantSql = postgres(login.url, { max: 10, onnotice: () => {} });
  const platformSql = postgres(login.url, { max: 4, onnotice: () => {} });
  const services = await createAppServices({ tenantSql, platformSql, tenancyConfig, config });
  const demo = await seedDemo(services);
  const app = createApp(services);
  const server = app.listen(port);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const actualPort = (server.address() as AddressInfo).port;
  const tokens = {
    ADA: await services.tokens.sign({
      userId: demo.users.ada.id,
      email: demo.users.ada.email,
      tenantId: demo.tenants.acme.id,
    }),
    VIC: await services.tokens.sign({
      userId: demo.users.vic.id,
      email: demo.users.vic.email,
      tenantId: demo.tenants.acme.id,
    }),
    GRACE: await services.tokens.sign({
      userId: demo.users.grace.id,
      email: demo.users.grace.email,
      tenantId: demo.tenants.globex.id,
    }),
    OPS: await services.tokens.sign({ userId: demo.users.ops.id, email: demo.users.ops.email, platformAdmin: true }),
  };
  log(`\nlistening on http://localhost:${actualPort} (tenants at http://<slug>.${config.baseDomain}:${actualPort})\n`);
  log(formatTryIt(demo, tokens, config.baseDomain, actualPort));
  log(`Ctrl-C stops the server${database.source === 'embedded' ? ' and the embedded PostgreSQL.' : '.'}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`\n${signal}: stopping`);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await services.close();
    await Promise.all([tenantSql.end({ timeout: 5 }), platformSql.end({ timeout: 5 })]);
    await database.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env['DEBUG']) console.error(error);
  process.exit(1);
});
