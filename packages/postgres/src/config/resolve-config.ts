import { foundationLintAllow } from '../foundation/foundation-lint-allow.js';
import type { ConfigIssue } from './config-error.js';
import { formatConfigPath, invalidConfig } from './config-error.js';
import { tenancyConfigSchema } from './config-schema.js';
import type { Command, ResolvedTable, ResolvedTenancyConfig, TableInput, TenancyConfigInput } from './config-types.js';
import { COMMANDS } from './config-types.js';
import { foundationTableInputs } from './foundation-link.js';

/** A table found in a Drizzle schema module: where it lives and which columns it has. */
export interface DiscoveredTable {
  schema: string;
  name: string;
  columns: string[];
}

/** Options for {@link resolveConfig}. */
export interface ResolveConfigOptions {
  /** The config file path, shown in errors and in the SQL header. */
  source?: string | undefined;
  /** Tables read from `drizzleSchema` (`loadConfig` fills this in; see `tablesFromDrizzleSchema`). */
  drizzleTables?: DiscoveredTable[] | undefined;
}

const DEFAULTS = {
  dialect: 'postgres',
  tenantColumn: 'tenant_id',
  tenantColumnType: 'uuid',
  settings: { tenantId: 'tenancy.tenant_id', userId: 'tenancy.user_id', workspaceId: 'tenancy.workspace_id' },
  roles: { app: 'tenancy_app', platform: 'tenancy_platform' },
  helperSchema: 'tenancy',
  schemas: ['public'],
} satisfies Partial<ResolvedTenancyConfig>;

// Plain code-point order, not localeCompare: the generated SQL must be byte-identical on every machine.
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Validates a config and applies every default: the form the generator, the linter and the CLI work from.
 * Throws `TenancyError('INVALID_CONFIG')` listing each bad field by path.
 * @example
 * const config = resolveConfig({ tables: { projects: { scope: 'tenant' } } });
 * config.tables[0]; // { schema: 'public', name: 'projects', scope: 'tenant', tenantColumn: 'tenant_id', ... }
 * @see https://github.com/tenancy/tenancy/blob/main/docs/rls.md#configuration
 */
export function resolveConfig(input: TenancyConfigInput, options: ResolveConfigOptions = {}): ResolvedTenancyConfig {
  const { source } = options;
  const parsed = tenancyConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw invalidConfig(
      parsed.error.issues.map((issue) => ({ path: formatConfigPath(issue.path), message: issue.message })),
      source,
    );
  }
  const raw = parsed.data;
  const issues: ConfigIssue[] = [];

  const foundation = raw.foundation ?? false;
  const helperSchema = raw.helperSchema ?? DEFAULTS.helperSchema;
  const tenantColumn = raw.tenantColumn ?? DEFAULTS.tenantColumn;
  const tenantColumnType = raw.tenantColumnType ?? DEFAULTS.tenantColumnType;
  const settings = { ...DEFAULTS.settings, ...definedOnly(raw.settings ?? {}) };
  const roles = { ...DEFAULTS.roles, ...definedOnly(raw.roles ?? {}) };
  const declaredSchemas = raw.schemas ?? DEFAULTS.schemas;
  // Unqualified table keys belong to the first schema the user listed, before sorting.
  const defaultSchema = declaredSchemas[0] ?? 'public';
  const schemas = [...new Set([...declaredSchemas, ...(foundation ? [helperSchema] : [])])].sort(byCodePoint);

  if (roles.app === roles.platform) {
    issues.push({ path: 'roles.platform', message: 'must differ from roles.app' });
  }
  const settingNames = Object.values(settings);
  if (new Set(settingNames).size !== settingNames.length) {
    issues.push({ path: 'settings', message: 'tenantId, userId and workspaceId must be three different settings' });
  }
  if (foundation && tenantColumnType !== 'uuid') {
    issues.push({
      path: 'tenantColumnType',
      message: 'the foundation schema uses uuid tenant ids: set tenantColumnType to "uuid" or foundation to false',
    });
  }
  if (raw.drizzleSchema !== undefined && options.drizzleTables === undefined) {
    issues.push({
      path: 'drizzleSchema',
      message:
        'is a module path: load the config with loadConfig() (or pass drizzleTables from tablesFromDrizzleSchema())',
    });
  }

  const tables = new Map<string, ResolvedTable>();
  const add = (table: ResolvedTable, path: string): void => {
    const key = `${table.schema}.${table.name}`;
    if (tables.has(key)) {
      issues.push({ path, message: `${key} is classified twice` });
      return;
    }
    tables.set(key, table);
  };

  for (const [key, table] of Object.entries(raw.tables ?? {})) {
    const path = formatConfigPath(['tables', key]);
    const dot = key.indexOf('.');
    const schema = dot === -1 ? defaultSchema : key.slice(0, dot);
    const name = dot === -1 ? key : key.slice(dot + 1);
    if (!schemas.includes(schema)) {
      issues.push({ path, message: `schema "${schema}" is not managed: add it to "schemas"` });
      continue;
    }
    if (foundation && schema === helperSchema && Object.hasOwn(foundationTableInputs, name)) {
      issues.push({ path, message: `${schema}.${name} is a foundation table and is classified by tenancy itself` });
      continue;
    }
    add(resolveTable(schema, name, table, tenantColumn, foundation, path, issues), path);
  }

  for (const discovered of options.drizzleTables ?? []) {
    const key = `${discovered.schema}.${discovered.name}`;
    if (tables.has(key) || !discovered.columns.includes(tenantColumn)) continue;
    if (!schemas.includes(discovered.schema)) {
      issues.push({
        path: 'drizzleSchema',
        message: `${key} has the tenant column but schema "${discovered.schema}" is not in "schemas" (add it, or classify the table)`,
      });
      continue;
    }
    add(
      resolveTable(
        discovered.schema,
        discovered.name,
        { scope: 'tenant' },
        tenantColumn,
        foundation,
        'drizzleSchema',
        issues,
      ),
      'drizzleSchema',
    );
  }

  if (foundation) {
    for (const [name, table] of Object.entries(foundationTableInputs)) {
      // Foundation tables are created by tenancy with a `tenant_id` column whatever the user's column is called.
      const withColumn =
        table.scope === 'tenant' || table.scope === 'workspace' ? { tenantColumn: 'tenant_id', ...table } : table;
      add(
        resolveTable(helperSchema, name, withColumn, 'tenant_id', true, `foundation.${name}`, issues),
        `foundation.${name}`,
      );
    }
  }

  if (issues.length > 0) throw invalidConfig(issues, source);

  return {
    dialect: raw.dialect ?? DEFAULTS.dialect,
    tenantColumn,
    tenantColumnType,
    settings,
    roles,
    helperSchema,
    schemas,
    foundation,
    tables: [...tables.values()].sort((a, b) => byCodePoint(a.schema, b.schema) || byCodePoint(a.name, b.name)),
    lint: {
      allow: [
        ...(raw.lint?.allow ?? []).map(({ rule, object, reason }) => ({ rule, object, reason })),
        // The foundation's own accepted findings travel with it, each with its reason.
        ...(foundation ? foundationLintAllow({ helperSchema }) : []),
      ],
    },
    ...(source === undefined ? {} : { source }),
  };
}

function resolveTable(
  schema: string,
  name: string,
  table: TableInput,
  defaultTenantColumn: string,
  foundation: boolean,
  path: string,
  issues: ConfigIssue[],
): ResolvedTable {
  switch (table.scope) {
    case 'global':
      return { schema, name, scope: 'global' };
    case 'ignore':
      return table.reason === undefined
        ? { schema, name, scope: 'ignore' }
        : { schema, name, scope: 'ignore', reason: table.reason };
    case 'tenant':
    case 'workspace': {
      // Keep the canonical command order whatever order the user wrote, so the output does not depend on it.
      const granted = table.grants ?? COMMANDS;
      const grants = COMMANDS.filter((command) => granted.includes(command));
      const permissions: Partial<Record<Command, string>> = {};
      for (const command of COMMANDS) {
        const permission = table.permissions?.[command];
        if (permission === undefined) continue;
        if (!foundation) {
          issues.push({
            path: `${path}.permissions.${command}`,
            message: 'permissions are checked by tenancy.has_permission(), which needs "foundation": true',
          });
        } else if (!grants.includes(command)) {
          issues.push({
            path: `${path}.permissions.${command}`,
            message: `"${command}" is not in this table's grants`,
          });
        }
        permissions[command] = permission;
      }
      const tenantColumn = table.tenantColumn ?? defaultTenantColumn;
      if (table.scope === 'tenant') return { schema, name, scope: 'tenant', tenantColumn, grants, permissions };
      if (table.workspaceColumn === tenantColumn) {
        issues.push({ path: `${path}.workspaceColumn`, message: 'must differ from the tenant column' });
      }
      return {
        schema,
        name,
        scope: 'workspace',
        tenantColumn,
        workspaceColumn: table.workspaceColumn,
        grants,
        permissions,
      };
    }
  }
}

function definedOnly<T extends Record<string, string | undefined>>(value: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
}
