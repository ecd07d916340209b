import type { ResolvedTenancyConfig, TenantColumnType } from '../../config/config-types.js';
import { ident, literal } from '../sql-text.js';
import type { ContextStatement, Dialect, TenantContextValues } from './dialect.js';

/**
 * Reads a transaction-local setting. `nullif(..., '')` matters: after one `set_config(..., true)` on a pooled
 * connection the setting reads `''` (not NULL) in later transactions, and a bare `''::uuid` would make every
 * query on that connection fail instead of returning nothing.
 */
function readSetting(setting: string, type: TenantColumnType): string {
  return `nullif(pg_catalog.current_setting(${literal(setting)}, true), '')::${type}`;
}

/** Creates the runtime roles when missing and refuses to go on if an existing one bypasses row level security. */
export function roleStatements(config: ResolvedTenancyConfig): string[] {
  const { app, platform } = config.roles;
  const create = (role: string) =>
    `  if not exists (select from pg_catalog.pg_roles where rolname = ${literal(role)}) then\n` +
    `    create role ${ident(role)} nologin nosuperuser nobypassrls nocreatedb nocreaterole;\n` +
    '  end if;';
  return [
    [
      'do $$',
      'begin',
      create(app),
      create(platform),
      '  -- Fail closed: a role of that name that is a superuser or BYPASSRLS would silently skip every policy.',
      '  if exists (select from pg_catalog.pg_roles',
      `             where rolname in (${literal(app)}, ${literal(platform)}) and (rolsuper or rolbypassrls)) then`,
      `    raise exception 'tenancy: role % or % is a superuser or has BYPASSRLS', ${literal(app)}, ${literal(platform)}`,
      `      using hint = 'Run: alter role <name> nosuperuser nobypassrls (as a superuser), then apply again.';`,
      '  end if;',
      'end',
      '$$;',
    ].join('\n'),
    '-- The role that applies this script (and the login role your app connects with: grant it the same) must be',
    '-- able to switch to both roles with SET ROLE. Granting twice is a no-op.',
    `grant ${ident(app)} to current_user;`,
    `grant ${ident(platform)} to current_user;`,
  ];
}

function contextStatement(config: ResolvedTenancyConfig, values: TenantContextValues): ContextStatement {
  const { settings, roles } = config;
  // One statement: the settings and the role switch travel together, and all of them are transaction-local.
  return {
    text:
      `select pg_catalog.set_config(${literal(settings.tenantId)}, $1, true), ` +
      `pg_catalog.set_config(${literal(settings.userId)}, $2, true), ` +
      `pg_catalog.set_config(${literal(settings.workspaceId)}, $3, true), ` +
      `pg_catalog.set_config('role', $4, true)`,
    params: [
      values.tenantId,
      values.userId ?? '',
      values.workspaceId ?? '',
      values.role === 'app' ? roles.app : roles.platform,
    ],
  };
}

/**
 * Plain PostgreSQL (14 or later): settings through `set_config(..., true)`, the generated roles, no extra steps.
 * @example
 * generateSql(config, { dialect: postgresDialect });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/rls.md#dialects
 */
export const postgresDialect: Dialect = {
  name: 'postgres',
  readSetting,
  policyRoles: (config) => config.roles,
  roleStatements,
  preflightStatements: () => [],
  beforeTables: () => [],
  contextStatement,
};
