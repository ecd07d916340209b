import type { AuditErrorHandler, AuditSink } from '@tenancy/core';
import { createAuditEvent, emitAuditEvent, getTenant, requireTenant, TenancyError } from '@tenancy/core';
import type postgres from 'postgres';
import type { DrizzleHandleOptions, DrizzleHandles, TenantDatabase, TenantPreparedQuery } from './drizzle-handles.js';
import { classifyDrizzleReturned, createDrizzleHandles } from './drizzle-handles.js';
import type { RuntimeConfig, TenantDbConfig } from './runtime-config.js';
import { compileRuntimeConfig } from './runtime-config.js';
import type { TenantIdentity } from './tenant-identity.js';
import { settingValuesFor } from './tenant-identity.js';
import { UnitOfWork } from './unit-of-work.js';
import type { UnitOfWorkOptions, UnitResult } from './unit-options.js';
import { beginStatement } from './unit-options.js';
import { installWireShim } from './wire-shim.js';

/** Options for {@link createTenantDb}. */
export interface CreateTenantDbOptions<TSchema extends Record<string, unknown> = Record<string, never>>
  extends DrizzleHandleOptions<TSchema> {
  /**
   * The postgres.js client (pool) tenant work runs on, connected as your app's login role. That role must be
   * granted the app role (`grant tenancy_app to <login role>`); in production it should be neither a superuser nor
   * BYPASSRLS nor the owner of tenant tables. Drizzle sets its date parsers on it, as `drizzle(client)` does.
   */
  client: postgres.Sql;
  /** The tenancy config, or the parts of it the wrapper reads (tenant id type, setting names, role names). */
  config?: TenantDbConfig | undefined;
  /**
   * A second client with its own pool for `asPlatform()`: platform work cannot starve tenant work or share its
   * connections. Its login role must be granted the platform role. Without it, `asPlatform()` throws.
   */
  platformClient?: postgres.Sql | undefined;
  /** Receives a `platform.access` event for every `asPlatform()` call (any `@tenancy/core` audit sink). */
  audit?: AuditSink | undefined;
  /** Told when the audit sink throws or rejects. Default: `console.error` with the event type only. */
  onAuditError?: AuditErrorHandler | undefined;
  /**
   * Send every statement as a named prepared statement, so a warm statement costs no parse and no describe round
   * trip. Default: true, unless the client was created with `prepare: false` (PgBouncer before 1.21, Supavisor).
   */
  prepare?: boolean | undefined;
  /**
   * Send a unit of work that returns one statement as one message with its opening, under one Sync: no `begin`, no
   * `commit`, one transaction all the same (the extended protocol's implicit transaction). It needs prepared
   * statements and a plain TCP or Unix socket, so it is off on clients with TLS or a `socket` of their own, and for
   * connections opened before `createTenantDb()`. Default: true. Set false to always send `begin` and `commit`.
   * @see https://github.com/tenancy/tenancy/blob/main/docs/drizzle.md#one-sync-units
   */
  mergeUnits?: boolean | undefined;
}

/** Options for {@link TenantDb.asPlatform}. */
export interface PlatformOptions extends UnitOfWorkOptions {
  /** Why this code crosses tenants; recorded in the audit event. Required, non-empty. */
  reason: string;
  /**
   * Who is acting, when the context does not say (a job, a script: e.g. `'job:reindex'`). Default: the context's
   * principal, else its user. Required one way or the other: every cross-tenant access is attributable.
   */
  principalId?: string | undefined;
  /** The tenant this work is about, for the audit event. Default: the tenant in context, else `'*'` (all). */
  tenantId?: string | undefined;
}

/** The tenant-scoped database: every unit of work is one transaction scoped to one tenant. */
export interface TenantDb<TSchema extends Record<string, unknown> = Record<string, never>> {
  /**
   * Runs `fn` as one transaction scoped to `tenant` (an id, or an identity with user and workspace), as the app
   * role. Return a query (or an array of queries) unawaited and it travels with BEGIN and COMMIT in one round trip.
   * @example
   * const rows = await tenantDb.withTenant(tenantId, (db) => db.select().from(projects).where(eq(projects.id, id)));
   */
  withTenant<R>(
    tenant: string | TenantIdentity,
    fn: (db: TenantDatabase<TSchema>) => R,
    options?: UnitOfWorkOptions,
  ): Promise<UnitResult<R>>;
  /**
   * Like `withTenant`, with the tenant (and user, and workspace) of the current context. Throws `TENANT_REQUIRED`
   * before any I/O when there is none.
   * @example
   * app.get('/projects', async (req, res) => res.json(await tenantDb.run((db) => db.select().from(projects))));
   */
  run<R>(fn: (db: TenantDatabase<TSchema>) => R, options?: UnitOfWorkOptions): Promise<UnitResult<R>>;
  /**
   * Runs `fn` across tenants as the platform role on the platform client's own pool, after emitting a
   * `platform.access` audit event with `reason`. No tenant is set.
   * @example
   * await tenantDb.asPlatform({ reason: 'INC-2211: re-index search' }, (db) => db.select().from(projects));
   */
  asPlatform<R>(options: PlatformOptions, fn: (db: TenantDatabase<TSchema>) => R): Promise<UnitResult<R>>;
  /**
   * Builds a Drizzle prepared query once, to run in any tenant unit of work without building its SQL again: the
   * fastest path for hot queries. Use `placeholder()` for the values.
   * @example
   * const byId = tenantDb.prepare((db) =>
   *   db.select().from(projects).where(eq(projects.id, placeholder('id'))).prepare('project_by_id'),
   * );
   * const rows = await tenantDb.withTenant(tenantId, (db) => byId.execute(db, { id }));
   */
  prepare<TPrepared extends { execute(values?: never): Promise<unknown> }>(
    build: (db: TenantDatabase<TSchema>) => TPrepared,
  ): TenantPreparedQuery<Awaited<ReturnType<TPrepared['execute']>>>;
}

/**
 * Creates the tenant-scoped Drizzle database over a postgres.js client. There is no way to get an unscoped handle
 * from it: every handle belongs to one unit of work and stops working when that ends.
 * @example
 * import postgres from 'postgres';
 * import { createTenantDb } from '@tenancy/postgres';
 * import * as schema from './schema.js';
 *
 * const tenantDb = createTenantDb({ client: postgres(process.env.DATABASE_URL!), schema });
 * const projects = await tenantDb.withTenant(tenantId, (db) => db.query.projects.findMany());
 * @see https://github.com/tenancy/tenancy/blob/main/docs/drizzle.md
 */
export function createTenantDb<TSchema extends Record<string, unknown> = Record<string, never>>(
  options: CreateTenantDbOptions<TSchema>,
): TenantDb<TSchema> {
  const client = checkClient(options.client, 'client');
  const platformClient =
    options.platformClient === undefined ? undefined : checkClient(options.platformClient, 'platformClient');
  if (platformClient === client) {
    throw new TenancyError('INVALID_CONFIG', 'platformClient must be its own postgres.js client (its own pool).', {
      details: { path: ['platformClient'] },
    });
  }
  const runtime = compileRuntimeConfig(options.config);
  const merge = options.mergeUnits !== false;
  if (merge) {
    installWireShim(client);
    if (platformClient !== undefined) installWireShim(platformClient);
  }
  const drizzleOptions: DrizzleHandleOptions<TSchema> = {
    schema: options.schema,
    logger: options.logger,
    casing: options.casing,
  };
  const tenantHandles = createDrizzleHandles<TSchema>(client, drizzleOptions);
  const platformHandles = platformClient && createDrizzleHandles<TSchema>(platformClient, drizzleOptions);
  const prepareFor = (c: postgres.Sql) => options.prepare ?? c.options.prepare !== false;

  // The values are computed inside the unit's start, so a bad id or a missing tenant rejects the unit's promise.
  function unitFor<R>(
    c: postgres.Sql,
    handles: DrizzleHandles<TSchema>,
    values: () => ReturnType<typeof settingValuesFor>,
    fn: (db: TenantDatabase<TSchema>) => R,
    unitOptions: UnitOfWorkOptions | undefined,
  ): Promise<UnitResult<R>> {
    const plan = () => ({
      client: c,
      runtime,
      values: values(),
      begin: beginStatement(unitOptions),
      prepare: prepareFor(c),
      merge,
      signal: unitOptions?.signal,
    });
    return UnitOfWork.run(plan, (unit) => handles.handleFor(unit), fn, classifyDrizzleReturned) as Promise<
      UnitResult<R>
    >;
  }

  return {
    withTenant(tenant, fn, unitOptions) {
      const values = () => settingValuesFor(typeof tenant === 'string' ? { tenantId: tenant } : tenant, runtime);
      return unitFor(client, tenantHandles, values, fn, unitOptions);
    },
    run(fn, unitOptions) {
      return unitFor(client, tenantHandles, () => settingValuesFor(requireTenant(), runtime), fn, unitOptions);
    },
    async asPlatform(platformOptions, fn) {
      const reason = typeof platformOptions?.reason === 'string' ? platformOptions.reason.trim() : '';
      if (reason === '') {
        throw new TenancyError('INVALID_INPUT', 'asPlatform() needs a non-empty reason; it goes into the audit log.', {
          details: { field: 'reason' },
        });
      }
      if (platformClient === undefined || platformHandles === undefined) {
        throw new TenancyError(
          'INVALID_CONFIG',
          'asPlatform() needs createTenantDb({ platformClient }): a separate postgres.js client for platform work.',
          { details: { path: ['platformClient'] } },
        );
      }
      const context = getTenant();
      const principalId = platformOptions.principalId ?? context?.principal?.id ?? context?.userId;
      if (typeof principalId !== 'string' || principalId === '') {
        throw new TenancyError(
          'INVALID_INPUT',
          'asPlatform() needs to know who is acting: run it in an authenticated context or pass principalId.',
          { details: { field: 'principalId' } },
        );
      }
      if (options.audit !== undefined) {
        const tenantId = platformOptions.tenantId ?? context?.tenantId ?? '*';
        const event = createAuditEvent('platform.access', { tenantId, principalId, reason });
        // Emitted before the work starts, so a failed attempt is on record too; the sink is never awaited.
        if (options.onAuditError === undefined) emitAuditEvent(options.audit, event);
        else emitAuditEvent(options.audit, event, options.onAuditError);
      }
      return unitFor(platformClient, platformHandles, () => platformValues(runtime), fn, platformOptions);
    },
    prepare(build) {
      return tenantHandles.prepare(build);
    },
  };
}

// The platform role has its own policies and needs no tenant; the tenant setting is still cleared explicitly.
function platformValues(runtime: RuntimeConfig): ReturnType<typeof settingValuesFor> {
  return ['', '', '', runtime.roles.platform];
}

function checkClient(value: unknown, path: string): postgres.Sql {
  const candidate = value as Partial<postgres.Sql> | undefined;
  if (
    (typeof candidate !== 'function' && typeof candidate !== 'object') ||
    candidate === null ||
    typeof candidate.reserve !== 'function' ||
    typeof candidate.unsafe !== 'function' ||
    typeof candidate.options !== 'object'
  ) {
    throw new TenancyError('INVALID_CONFIG', `${path} must be a postgres.js client: postgres(url, options).`, {
      details: { path: [path] },
    });
  }
  return candidate as postgres.Sql;
}
