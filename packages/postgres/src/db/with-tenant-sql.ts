import { TenancyError } from '@tenancy/core';
import type postgres from 'postgres';
import type { RuntimeConfig, TenantDbConfig } from './runtime-config.js';
import { compileRuntimeConfig } from './runtime-config.js';
import type { TenantIdentity } from './tenant-identity.js';
import { settingValuesFor } from './tenant-identity.js';
import type { TenantSql } from './tenant-sql.js';
import { classifyRawReturned, createTenantSql } from './tenant-sql.js';
import { UnitOfWork } from './unit-of-work.js';
import type { UnitOfWorkOptions, UnitResult } from './unit-options.js';
import { beginStatement } from './unit-options.js';
import { installWireShim } from './wire-shim.js';

/** Options for {@link withTenantSql}. */
export interface WithTenantSqlOptions extends UnitOfWorkOptions {
  /** The tenancy config, or the parts of it the wrapper reads. Compiled once per config object. */
  config?: TenantDbConfig | undefined;
  /** Send a unit that returns one statement under one Sync with its opening (see `createTenantDb`). Default true. */
  mergeUnits?: boolean | undefined;
}

const compiled = new WeakMap<TenantDbConfig, RuntimeConfig>();
let defaults: RuntimeConfig | undefined;

/**
 * Runs `fn` as one transaction scoped to `tenant` on a raw postgres.js client, as the app role: the same unit of
 * work as `createTenantDb().withTenant()`, for code that does not use Drizzle. Name the callback's parameter `sql`
 * so the unscoped client is out of reach inside it.
 * @example
 * const rows = await withTenantSql(sql, { tenantId, userId }, (sql) => sql`select * from projects where id = ${id}`);
 * @see https://github.com/tenancy/tenancy/blob/main/docs/drizzle.md#raw-postgresjs
 */
// biome-ignore lint/complexity/noBannedTypes: `{}` is postgres.js's own default for "no custom types"
export function withTenantSql<R, TTypes extends Record<string, unknown> = {}>(
  client: postgres.Sql<TTypes>,
  tenant: string | TenantIdentity,
  fn: (sql: TenantSql<TTypes>) => R,
  options: WithTenantSqlOptions = {},
): Promise<UnitResult<R>> {
  // Everything that can throw runs inside the unit's start (UnitOfWork.run), so it rejects the returned promise.
  const plan = () => {
    assertPostgresClient(client, 'withTenantSql');
    const runtime = runtimeFor(options.config);
    const values = settingValuesFor(typeof tenant === 'string' ? { tenantId: tenant } : tenant, runtime);
    const sql = client as unknown as postgres.Sql;
    const merge = options.mergeUnits !== false;
    if (merge) installWireShim(sql);
    return {
      client: sql,
      runtime,
      values,
      begin: beginStatement(options),
      prepare: sql.options.prepare !== false,
      merge,
      signal: options.signal,
    };
  };
  return UnitOfWork.run(plan, (unit) => createTenantSql<TTypes>(unit), fn, classifyRawReturned) as Promise<
    UnitResult<R>
  >;
}

/**
 * Prepares a postgres.js client for `withTenantSql()`: from now on its connections can send a unit of one statement
 * with its opening under one Sync (no `begin`, no `commit`). `withTenantSql()` does this at its first call, and
 * connections the client opened before that keep their plain socket (and the slower path) until the pool reconnects
 * them; call this right after creating the client to cover them all. Returns false when the client cannot (TLS, a
 * `socket` option of its own, several hosts, `target_session_attrs`): its units then use `begin` and `commit`.
 * @example
 * const sql = postgres(process.env.APP_DATABASE_URL!);
 * prepareTenantSql(sql);
 * @see https://github.com/tenancy/tenancy/blob/main/docs/drizzle.md#raw-postgresjs
 */
// biome-ignore lint/complexity/noBannedTypes: `{}` is postgres.js's own default for "no custom types"
export function prepareTenantSql<TTypes extends Record<string, unknown> = {}>(client: postgres.Sql<TTypes>): boolean {
  assertPostgresClient(client, 'prepareTenantSql');
  return installWireShim(client as unknown as postgres.Sql);
}

function assertPostgresClient(client: unknown, caller: string): void {
  if (typeof client !== 'function' || typeof (client as { reserve?: unknown }).reserve !== 'function') {
    throw new TenancyError('INVALID_CONFIG', `${caller}() needs a postgres.js client: postgres(url, options).`);
  }
}

function runtimeFor(config: TenantDbConfig | undefined): RuntimeConfig {
  if (config === undefined) {
    defaults ??= compileRuntimeConfig();
    return defaults;
  }
  let runtime = compiled.get(config);
  if (runtime === undefined) {
    runtime = compileRuntimeConfig(config);
    compiled.set(config, runtime);
  }
  return runtime;
}
