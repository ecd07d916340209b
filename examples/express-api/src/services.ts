import type { Tenancy } from '@tenancy/core';
import { createIdentity, createTenancy, fromHeader, fromJwtClaim, fromSubdomain } from '@tenancy/core';
import type { PostgresTenantStore, ResolvedTenancyConfig, TenantDb, TenantLifecycle } from '@tenancy/postgres';
import { createPostgresTenantStore, createTenantDb, createTenantLifecycle } from '@tenancy/postgres';
import type postgres from 'postgres';
import type { AppConfig } from './app-config.js';
import type { TokenSigner } from './auth/tokens.js';
import { createTokenSigner } from './auth/tokens.js';
import type { AppPermission } from './permissions.js';
import { permissions } from './permissions.js';

/** Everything the routes use, built once per process and injected into `createApp()`. */
export interface AppServices {
  /** The tenant-scoped Drizzle database: every unit of work is one transaction as the app role, in one tenant. */
  readonly db: TenantDb;
  /**
   * The platform-path client (a pool of its own, as the login role): the tenant store, the lifecycle, credentials
   * and the platform console. Never the scoped database's client: see {@link AppServicesOptions.platformSql}.
   */
  readonly sql: postgres.Sql;
  readonly tenancy: Tenancy<AppPermission>;
  readonly store: PostgresTenantStore;
  readonly lifecycle: TenantLifecycle;
  readonly tokens: TokenSigner;
  readonly tenancyConfig: ResolvedTenancyConfig;
  readonly config: AppConfig;
  /** Stops listening for tenant invalidations. The postgres.js client stays open: it is the caller's. */
  close(): Promise<void>;
}

/** Options for {@link createAppServices}. */
export interface AppServicesOptions {
  /** A postgres.js client connected as the app's login role (granted the app role), for the scoped database. */
  tenantSql: postgres.Sql;
  /**
   * A second client (its own pool, same login role, granted the platform role) for the tenant store, the lifecycle
   * and the platform path. It must not be `tenantSql`: Drizzle replaces the JSON and date serializers of the client
   * it is given (createTenantDb hands it `tenantSql`), after which postgres.js `sql.json()` parameters, which the
   * lifecycle writes settings and audit data with, fail. Separate pools also keep platform work from starving tenant
   * requests.
   */
  platformSql: postgres.Sql;
  tenancyConfig: ResolvedTenancyConfig;
  config: AppConfig;
}

/**
 * Wires tenancy for the app: the Postgres tenant store (cached, invalidated over LISTEN/NOTIFY when a tenant is
 * suspended anywhere), HS256 identity, resolution from the subdomain, an `x-tenant` header or the token's `tid`
 * claim (all that name a tenant must agree), the permission model, the scoped database and the lifecycle.
 */
export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const { tenantSql, platformSql, tenancyConfig, config } = options;
  const store = createPostgresTenantStore({ sql: platformSql, config: tenancyConfig });
  await store.ready;
  const tenancy = createTenancy({
    store,
    strategies: [
      fromSubdomain({ baseDomain: config.baseDomain }),
      fromHeader({ name: 'x-tenant', kind: 'slug' }),
      fromJwtClaim({ claim: 'tid' }),
    ],
    identity: createIdentity({ secret: config.jwtSecret, platformAdminClaim: 'platform_admin' }),
    permissions,
  });
  return {
    db: createTenantDb({ client: tenantSql, config: tenancyConfig }),
    sql: platformSql,
    tenancy,
    store,
    lifecycle: createTenantLifecycle({ sql: platformSql, config: tenancyConfig }),
    tokens: createTokenSigner(config.jwtSecret, config.tokenTtlSec),
    tenancyConfig,
    config,
    close: () => store.close(),
  };
}
