import { TenancyError } from '@tenancy/core';

/** Which tables the tenant filter applies to, and through which column. */
export interface TenantScopeOptions {
  /** The tenant column of tenant tables. Default `tenant_id`. */
  tenantColumn?: string | undefined;
  /** Per-table tenant columns, keyed `table` (default schema) or `schema.table`, e.g. `{ tenants: 'id' }`. */
  tenantColumns?: Readonly<Record<string, string>> | undefined;
  /**
   * Tables without a tenant column (shared reference data), keyed like `tenantColumns`: queried without the tenant
   * filter. Row level security still applies to them. Every other table gets the filter (fail closed).
   */
  globalTables?: readonly string[] | undefined;
}

/** The tenant and user a scoped client was created for. */
export interface TenantClientScope {
  readonly tenantId: string;
  readonly userId: string;
  /** Set on platform clients: the audited reason the service role is in use. */
  readonly platform?: { readonly reason: string } | undefined;
}

// The parts of supabase-js's builders the scope touches. The real builders keep their own (generated) types for
// callers; these views exist only so the overrides below type-check without `any`.
interface FilterBuilder {
  eq(column: string, value: string): FilterBuilder;
}
interface QueryBuilder {
  select(...args: unknown[]): FilterBuilder;
  insert(values: unknown, options?: unknown): FilterBuilder;
  upsert(values: unknown, options?: unknown): FilterBuilder;
  update(values: unknown, options?: unknown): FilterBuilder;
  delete(options?: unknown): FilterBuilder;
}
interface FromSource {
  from(relation: string, options?: unknown): QueryBuilder;
}
interface SchemaSource extends FromSource {
  schema(name: string): FromSource;
}

function refuseOtherTenant(): TenancyError {
  return new TenancyError(
    'PERMISSION_DENIED',
    "A row names another tenant than this request's: leave the tenant column out, tenancy sets it.",
  );
}

function stampRow(row: unknown, column: string, tenantId: string): Record<string, unknown> {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    throw new TenancyError('INVALID_INPUT', 'Rows to write must be plain objects.');
  }
  if (Object.hasOwn(row, column) && (row as Record<string, unknown>)[column] !== tenantId) throw refuseOtherTenant();
  return { ...(row as Record<string, unknown>), [column]: tenantId };
}

function stamp(values: unknown, column: string, tenantId: string): unknown {
  return Array.isArray(values)
    ? values.map((row) => stampRow(row, column, tenantId))
    : stampRow(values, column, tenantId);
}

function scopeBuilder(builder: QueryBuilder, column: string, tenantId: string): QueryBuilder {
  const select = builder.select.bind(builder);
  const insert = builder.insert.bind(builder);
  const upsert = builder.upsert.bind(builder);
  const update = builder.update.bind(builder);
  const remove = builder.delete.bind(builder);
  // Own properties shadow the prototype's methods on this one builder; every query it starts carries the filter.
  return Object.assign(builder, {
    select: (...args: unknown[]) => select(...args).eq(column, tenantId),
    insert: (values: unknown, options?: unknown) => insert(stamp(values, column, tenantId), options),
    upsert: (values: unknown, options?: unknown) => upsert(stamp(values, column, tenantId), options),
    update: (values: unknown, options?: unknown) => {
      // Only a change of tenant is refused; naming the current tenant is a no-op the database would accept too.
      if (Array.isArray(values)) throw new TenancyError('INVALID_INPUT', 'update() takes one object of new values.');
      if (typeof values === 'object' && values !== null && Object.hasOwn(values, column)) {
        if ((values as Record<string, unknown>)[column] !== tenantId) throw refuseOtherTenant();
      }
      return update(values, options).eq(column, tenantId);
    },
    delete: (options?: unknown) => remove(options).eq(column, tenantId),
  });
}

function scopeFrom(source: FromSource, schema: string | undefined, scope: TenantScopeOptions, tenantId: string): void {
  const from = source.from.bind(source);
  const globals = new Set(scope.globalTables ?? []);
  const columns = scope.tenantColumns ?? {};
  const key = (relation: string) => (schema === undefined ? relation : `${schema}.${relation}`);
  Object.assign(source, {
    from(relation: string, options?: unknown): QueryBuilder {
      const builder = from(relation, options);
      if (globals.has(key(relation))) return builder;
      const column = columns[key(relation)] ?? scope.tenantColumn ?? 'tenant_id';
      return scopeBuilder(builder, column, tenantId);
    },
  });
}

/**
 * Adds the tenant filter to every query a supabase-js client starts: `.eq(tenant column, tenant)` on select, update
 * and delete, the tenant column set on insert and upsert (a row naming another tenant is refused before any
 * request). Defense in depth: row level security decides, this keeps a forgotten filter from mattering.
 */
export function applyTenantScope<TClient extends object>(
  client: TClient,
  scope: TenantScopeOptions,
  tenantId: string,
): TClient {
  const source = client as unknown as SchemaSource;
  scopeFrom(source, undefined, scope, tenantId);
  const schema = source.schema.bind(source);
  Object.assign(source, {
    schema(name: string): FromSource {
      const scoped = schema(name);
      scopeFrom(scoped, name, scope, tenantId);
      return scoped;
    },
  });
  return client;
}
