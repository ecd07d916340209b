import type { ResolvedTenancyConfig } from '../config/config-types.js';
import type { Dialect } from './dialects/dialect.js';
import { ident, literal } from './sql-text.js';

/**
 * The helper schema and functions: `tenant_id()`, `user_id()`, `workspace_id()` and the trigger function that keeps
 * the tenant column immutable. Plain SQL, STABLE, not SECURITY DEFINER: they read settings, nothing else, so they
 * need no privilege the caller lacks.
 */
export function helperFunctionStatements(config: ResolvedTenancyConfig, dialect: Dialect): string[] {
  const schema = ident(config.helperSchema);
  const roles = dialect.policyRoles(config);
  const runtime = `${ident(roles.app)}, ${ident(roles.platform)}`;
  const getter = (name: string, setting: string, type: 'uuid' | 'text' | 'bigint', what: string) =>
    [
      `create or replace function ${schema}.${name}() returns ${type}`,
      '  language sql stable parallel safe',
      `  as $$ select ${dialect.readSetting(setting, type)} $$;`,
      `comment on function ${schema}.${name}() is ${literal(`${what} of the current unit of work (setting ${setting}); NULL when none is set.`)};`,
    ].join('\n');
  return [
    `create schema if not exists ${schema};`,
    `grant usage on schema ${schema} to ${runtime};`,
    getter('tenant_id', config.settings.tenantId, config.tenantColumnType, 'Tenant'),
    getter('user_id', config.settings.userId, 'uuid', 'User'),
    getter('workspace_id', config.settings.workspaceId, 'uuid', 'Workspace'),
    [
      `create or replace function ${schema}.forbid_tenant_change() returns trigger`,
      '  language plpgsql',
      '  as $$',
      'begin',
      '  -- Generic over the column: its name is the trigger argument.',
      '  if (to_jsonb(new) -> tg_argv[0]) is distinct from (to_jsonb(old) -> tg_argv[0]) then',
      "    raise exception 'tenancy: %.%.% cannot be changed', tg_table_schema, tg_table_name, tg_argv[0]",
      "      using errcode = '42501', hint = 'A row never moves between tenants; copy it and delete the original.';",
      '  end if;',
      '  return new;',
      'end',
      '$$;',
      `comment on function ${schema}.forbid_tenant_change() is 'Trigger: raises when an UPDATE changes the tenant column named by the trigger argument.';`,
    ].join('\n'),
    `grant execute on function ${schema}.tenant_id(), ${schema}.user_id(), ${schema}.workspace_id() to ${runtime};`,
  ];
}

/**
 * `has_permission(permission)`: the roles the current user holds in the current tenant (and workspace, when one is
 * set), closed over role inheritance, then deny wins over allow, and no match means no. Runs as the caller (not
 * SECURITY DEFINER), so it reads the foundation tables through their own tenant policies.
 */
export function hasPermissionStatements(config: ResolvedTenancyConfig, dialect: Dialect): string[] {
  const s = ident(config.helperSchema);
  const roles = dialect.policyRoles(config);
  return [
    [
      `create or replace function ${s}.has_permission(permission_name text) returns boolean`,
      '  language sql stable parallel safe',
      '  as $$',
      '  with recursive held(role_name) as (',
      `      select unnest(m.roles) from ${s}.memberships m`,
      `      where m.tenant_id = ${s}.tenant_id() and m.user_id = ${s}.user_id()`,
      '    union',
      `      select unnest(w.roles) from ${s}.workspace_memberships w`,
      `      where w.tenant_id = ${s}.tenant_id() and w.workspace_id = ${s}.workspace_id() and w.user_id = ${s}.user_id()`,
      '  ),',
      '  -- UNION (not UNION ALL) drops rows already seen, so a cycle in `inherits` ends the recursion.',
      '  closure(role_name) as (',
      '      select role_name from held',
      '    union',
      `      select i.inherited from ${s}.roles r`,
      '      join closure c on c.role_name = r.name',
      '      cross join lateral unnest(r.inherits) as i(inherited)',
      `      where r.tenant_id = ${s}.tenant_id()`,
      '  ),',
      '  matching as (',
      `    select p.effect from ${s}.role_permissions p`,
      `    where p.tenant_id = ${s}.tenant_id()`,
      '      and p.role in (select role_name from closure)',
      "      and (p.permission = permission_name or p.permission = '*'",
      "           or p.permission = split_part(permission_name, ':', 1) || ':*')",
      '  )',
      "  select coalesce(bool_or(effect = 'allow') and not bool_or(effect = 'deny'), false) from matching",
      '  $$;',
      `comment on function ${s}.has_permission(text) is 'True when the current user holds the permission in the current tenant (and workspace): deny wins, no match is false.';`,
    ].join('\n'),
    `grant execute on function ${s}.has_permission(text) to ${ident(roles.app)}, ${ident(roles.platform)};`,
  ];
}
