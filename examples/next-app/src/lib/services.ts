import type { PostgresTenantStore, TenantDb, TenantLifecycle } from '@tenancy/postgres';
import { createPostgresTenantStore, createTenantDb, createTenantLifecycle } from '@tenancy/postgres';
import postgres from 'postgres';
import { config } from './config';
import { appEnv } from './env';
import { recordPlatformAccess } from './platform-audit';

/** The example's connections and the tenancy objects built on them. */
export interface Services {
  /** Pool for tenant units of work (`tenantDb.run`), which switch to the app role. */
  readonly sql: postgres.Sql;
  /** Plain postgres.js for the platform role: tenant lookups, lifecycle, sign-in, the platform audit log. */
  readonly platformSql: postgres.Sql;
  /** The tenant-scoped Drizzle database: `run()` inside the tenant context, `asPlatform()` for the admin page. */
  readonly tenantDb: TenantDb;
  /** Tenants and memberships for core, cached, invalidated across processes by LISTEN/NOTIFY. */
  readonly store: PostgresTenantStore;
  /** Audited changes to tenants and members (branding, roles, seeding). */
  readonly lifecycle: TenantLifecycle;
}

function createServices(): Services {
  const { databaseUrl } = appEnv();
  const sql = postgres(databaseUrl, { max: 5, onnotice: () => {} });
  // `asPlatform()` gets its own small pool: a burst of admin queries cannot starve tenant requests, and the wrapper
  // refuses to share one pool between the two.
  const platformDbSql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  // The store and the lifecycle get a pool of their own, apart from the tenant requests' pool. (They would also work
  // on the client createTenantDb was built on: they bind JSON as text, unaffected by Drizzle's serializers.)
  const platformSql = postgres(databaseUrl, { max: 3, onnotice: () => {} });
  return {
    sql,
    platformSql,
    tenantDb: createTenantDb({ client: sql, platformClient: platformDbSql, config, audit: recordPlatformAccess }),
    store: createPostgresTenantStore({ sql: platformSql, config }),
    lifecycle: createTenantLifecycle({ sql: platformSql, config }),
  };
}

// One set per process, kept on globalThis: Next bundles the proxy and the pages separately (each would otherwise
// open its own pools and LISTEN connection), and the dev server re-evaluates modules on every edit.
const KEY = Symbol.for('tenancy-example.next-app.services');

/**
 * The process's services, created on first use: `next build` imports every module and must not connect anywhere.
 * @example
 * const projects = await services().tenantDb.run((db) => db.select().from(projectsTable));
 */
export function services(): Services {
  const holder = globalThis as { [KEY]?: Services };
  holder[KEY] ??= createServices();
  return holder[KEY];
}
