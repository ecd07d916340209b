import { TenancyError } from '@tenancy/core';
import { sql } from 'drizzle-orm';
import { type PgPolicy, pgPolicy } from 'drizzle-orm/pg-core';
import type { ResolvedTable, ResolvedTenancyConfig, TenancyConfigInput } from '../config/config-types.js';
import { COMMANDS } from '../config/config-types.js';
import { resolveConfig } from '../config/resolve-config.js';
import type { Dialect } from '../generate/dialects/dialect.js';
import { dialectFor } from '../generate/generate-sql.js';
import type { PolicySpec } from '../generate/plan-policies.js';
import { planPolicies } from '../generate/plan-policies.js';

/** Options for {@link tenantPolicies}. */
export interface TenantPoliciesOptions {
  /** Dialect implementation; default: the one the config names. */
  dialect?: Dialect | undefined;
}

function isResolved(config: TenancyConfigInput | ResolvedTenancyConfig): config is ResolvedTenancyConfig {
  return Array.isArray(config.tables);
}

/** Resolves an input config for policy emission (a `drizzleSchema` is what is being defined, so it is not read). */
export function resolveForDrizzle(config: TenancyConfigInput | ResolvedTenancyConfig): ResolvedTenancyConfig {
  if (isResolved(config)) return config;
  const { drizzleSchema: _ignored, ...rest } = config;
  return resolveConfig(rest);
}

/**
 * The table a name refers to: `'projects'` or `'schema.projects'`. A table the config does not list is a tenant
 * table in `defaultSchema`: the same inference `drizzleSchema` makes for tables that have the tenant column.
 */
export function findTable(config: ResolvedTenancyConfig, table: string, defaultSchema: string): ResolvedTable {
  const dot = table.indexOf('.');
  const schema = dot === -1 ? undefined : table.slice(0, dot);
  const name = dot === -1 ? table : table.slice(dot + 1);
  const candidates = config.tables.filter((t) => t.name === name && (schema === undefined || t.schema === schema));
  if (candidates.length > 1) {
    throw new TenancyError(
      'INVALID_CONFIG',
      `"${table}" names ${candidates.length} tables: qualify it as schema.name.`,
      {
        details: { path: 'tables' },
      },
    );
  }
  return (
    candidates[0] ?? {
      schema: schema ?? defaultSchema,
      name,
      scope: 'tenant',
      tenantColumn: config.tenantColumn,
      grants: [...COMMANDS],
      permissions: {},
    }
  );
}

/** One policy spec as a Drizzle `pgPolicy`. */
export function toPgPolicy(spec: PolicySpec): PgPolicy {
  return pgPolicy(spec.name, {
    as: spec.as,
    for: spec.for,
    to: spec.to,
    ...(spec.using === undefined ? {} : { using: sql.raw(spec.using) }),
    ...(spec.withCheck === undefined ? {} : { withCheck: sql.raw(spec.withCheck) }),
  });
}

/**
 * The tenancy policies of one table as Drizzle `pgPolicy` definitions, to spread into the table's third argument,
 * for teams that migrate with drizzle-kit. Same names and expressions as `generateSql`. FORCE ROW LEVEL SECURITY,
 * grants, the tenant column default and trigger are not expressible in Drizzle: apply
 * `tenancy generate --only support` as a custom migration, and let `tenancy check` catch anything missing.
 * @example
 * import { pgTable, uuid, text, primaryKey } from 'drizzle-orm/pg-core';
 * import { tenantPolicies } from '@tenancy/postgres';
 * import config from './tenancy.config.js';
 *
 * export const projects = pgTable(
 *   'projects',
 *   { tenantId: uuid('tenant_id').notNull(), id: uuid('id').notNull().defaultRandom(), name: text('name').notNull() },
 *   (t) => [primaryKey({ columns: [t.tenantId, t.id] }), ...tenantPolicies(config, 'projects')],
 * );
 * @see https://github.com/tenancy/tenancy/blob/main/docs/rls.md#drizzle-pgpolicy
 */
export function tenantPolicies(
  config: TenancyConfigInput | ResolvedTenancyConfig,
  table: string,
  options: TenantPoliciesOptions = {},
): PgPolicy[] {
  const resolved = resolveForDrizzle(config);
  const dialect = options.dialect ?? dialectFor(resolved);
  const defaultSchema = isResolved(config) ? 'public' : (config.schemas?.[0] ?? 'public');
  return planPolicies(findTable(resolved, table, defaultSchema), resolved, dialect).map(toPgPolicy);
}
