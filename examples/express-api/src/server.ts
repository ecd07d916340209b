// Starts the example: DATABASE_URL or an embedded PostgreSQL, the schema and the generated RLS applied, the demo
// seeded, the API listening on PORT (default 3000), and the commands to try it printed. Ctrl-C stops everything.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TenancyConfigInput } from '@tenancy/postgres';
import { resolveConfig } from '@tenancy/postgres';
import postgres from 'postgres';
import tenancyConfigInput from '../tenancy.config.js';
import { createApp } from './app.js';
import type { AppConfig } from './app-config.js';
import { loadAppConfig } from './app-config.js';
import { applySchema } from './database/apply-schema.js';
import type { LoginRole } from './database/login-role.js';
import { ensureLoginRole } from './database/login-role.js';
import type { StartedDatabase } from './database/start-database.js';
import { startDatabase } from './database/start-database.js';
import type { DemoData } from './seed.js';
import { seedDemo } from './seed.js';
import type { AppServices } from './services.js';
import { createAppServices } from './services.js';
import type { TryItVariables } from './try-it.js';
import { formatTryIt } from './try-it.js';

const log = (line: string) => process.stdout.write(`${line}\n`);

// Role names are cluster-wide: several copies of the example on one PostgreSQL server (the tests do that) each name
// their own. A deployment leaves these unset and gets tenancy_app / tenancy_platform.
function rolesFromEnv(env: NodeJS.ProcessEnv): TenancyConfigInput['roles'] {
  const base: TenancyConfigInput = tenancyConfigInput;
  const app = env['TENANCY_APP_ROLE'];
  const platform = env['TENANCY_PLATFORM_ROLE'];
  return { ...base.roles, ...(app ? { app } : {}), ...(platform ? { platform } : {}) };
}

/** Applies schema and RLS as the admin URL's role, then creates the unprivileged role the app logs in with. */
async function prepareDatabase(
  database: StartedDatabase,
  tenancyConfig: ReturnType<typeof resolveConfig>,
): Promise<LoginRole> {
  const admin = postgres(database.adminUrl, { max: 1, onnotice: () => {} });
  try {
    await applySchema(admin, tenancyConfig);
    return await ensureLoginRole(admin, database.adminUrl, tenancyConfig);
  } finally {
    await admin.end();
  }
}

async function demoVariables(services: AppServices, demo: DemoData): Promise<TryItVariables> {
  const { ada, vic, grace, ops } = demo.users;
  const { acme, globex } = demo.tenants;
  const sign = services.tokens.sign;
  return {
    ADA: await sign({ userId: ada.id, email: ada.email, tenantId: acme.id }),
    VIC: await sign({ userId: vic.id, email: vic.email, tenantId: acme.id }),
    GRACE: await sign({ userId: grace.id, email: grace.email, tenantId: globex.id }),
    OPS: await sign({ userId: ops.id, email: ops.email, platformAdmin: true }),
    ACME_WORKSPACE: acme.defaultWorkspaceId,
    ACME_PROJECT: acme.projectIds[0] ?? '',
    GLOBEX_PROJECT: globex.projectIds[0] ?? '',
  };
}

/** Everything that runs on a started database; returns how to stop it all but the database. */
async function serve(database: StartedDatabase, config: AppConfig, port: number): Promise<() => Promise<void>> {
  const tenancyConfig = resolveConfig(
    { ...tenancyConfigInput, roles: rolesFromEnv(process.env) },
    { source: 'tenancy.config.ts' },
  );
  const login = await prepareDatabase(database, tenancyConfig);
  log(`schema and row level security applied; the app connects as ${login.name} (no superuser, no BYPASSRLS)`);

  // Two pools: tenant requests, and the platform path (tenant store, lifecycle, credentials); see services.ts.
  const tenantSql = postgres(login.url, { max: 10, onnotice: () => {} });
  const platformSql = postgres(login.url, { max: 4, onnotice: () => {} });
  const services = await createAppServices({ tenantSql, platformSql, tenancyConfig, config });
  const demo = await seedDemo(services);
  const server: Server = createApp(services).listen(port);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const actualPort = (server.address() as AddressInfo).port;
  log(`\nlistening on http://localhost:${actualPort} (tenants at http://<slug>.${config.baseDomain}:${actualPort})\n`);
  log(formatTryIt(demo, await demoVariables(services, demo), config.baseDomain, actualPort));
  return async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await services.close();
    await Promise.all([tenantSql.end({ timeout: 5 }), platformSql.end({ timeout: 5 })]);
  };
}

async function main(): Promise<void> {
  const config = loadAppConfig(process.env);
  if (config.usingDevSecret) {
    log('warning: JWT_SECRET is not set; tokens are signed with a development key that is in the source code.');
  }
  const port = Number(process.env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('PORT must be a port number.');

  const database = await startDatabase(process.env, log);
  log(database.source === 'env' ? 'database: DATABASE_URL' : 'database: embedded PostgreSQL (removed on exit)');
  let stopApp: () => Promise<void>;
  try {
    stopApp = await serve(database, config, port);
  } catch (error) {
    // An embedded server is a child process: it must not outlive a start that failed.
    await database.stop().catch(() => {});
    throw error;
  }
  log(`Ctrl-C stops the server${database.source === 'embedded' ? ' and the embedded PostgreSQL.' : '.'}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`\n${signal}: stopping`);
    try {
      await stopApp();
    } finally {
      await database.stop();
    }
    process.exit(0);
  };
  // `on`, not `once`: a signal can arrive twice (from the terminal's process group and relayed by a parent), and the
  // second must not fall back to the default handler, which would kill the process halfway through its cleanup.
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env['DEBUG']) console.error(error);
  process.exit(1);
});
