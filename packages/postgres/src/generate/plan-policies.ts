import type {
  Command,
  ResolvedTable,
  ResolvedTenancyConfig,
  ResolvedTenantTable,
  ResolvedWorkspaceTable,
} from '../config/config-types.js';
import { COMMANDS } from '../config/config-types.js';
import type { Dialect } from './dialects/dialect.js';
import { ident, literal } from './sql-text.js';

/** One policy the generator creates, in a form both the SQL and the Drizzle emitters render. */
export interface PolicySpec {
  /** Always starts with `tenancy_`: that is how the linter and the drift check tell our policies from others. */
  name: string;
  as: 'permissive' | 'restrictive';
  for: 'all' | Command;
  /** The one role the policy applies to. */
  to: string;
  /** SQL boolean expression, or undefined when the command has no USING clause (INSERT). */
  using?: string | undefined;
  /** SQL boolean expression, or undefined when the command has no WITH CHECK clause (SELECT, DELETE). */
  withCheck?: string | undefined;
}

type ScopedTable = ResolvedTenantTable | ResolvedWorkspaceTable;

/**
 * The row predicate of a tenant or workspace table: `tenant_id = (select tenancy.tenant_id())`. The sub-select
 * makes PostgreSQL evaluate the function once per statement (an InitPlan) so the comparison is an index condition;
 * there is never an `OR` in it, because an `OR` turns the index scan into a filter over every row.
 */
export function rowPredicate(table: ScopedTable, config: ResolvedTenancyConfig): string {
  const helpers = ident(config.helperSchema);
  const tenant = `${ident(table.tenantColumn)} = (select ${helpers}.tenant_id())`;
  if (table.scope === 'tenant') return tenant;
  // With no workspace set, workspace_id() is NULL and `col = NULL` is never true: nothing gets through.
  return `${tenant} and ${ident(table.workspaceColumn)} = (select ${helpers}.workspace_id())`;
}

function permissionCheck(config: ResolvedTenancyConfig, permission: string | undefined): string {
  return permission === undefined
    ? ''
    : ` and (select ${ident(config.helperSchema)}.has_permission(${literal(permission)}))`;
}

/**
 * Every policy the generator puts on one table, in creation order.
 * @example
 * planPolicies(config.tables[0], config, postgresDialect).map((p) => p.name);
 * // ['tenancy_tenant_isolation', 'tenancy_tenant_guard', 'tenancy_platform_access']
 * @see https://github.com/tenancy/tenancy/blob/main/docs/rls.md#generated-objects
 */
export function planPolicies(table: ResolvedTable, config: ResolvedTenancyConfig, dialect: Dialect): PolicySpec[] {
  const roles = dialect.policyRoles(config);
  const platform: PolicySpec = {
    name: 'tenancy_platform_access',
    as: 'permissive',
    for: 'all',
    to: roles.platform,
    using: 'true',
    withCheck: 'true',
  };
  switch (table.scope) {
    case 'ignore':
      return [];
    case 'global':
      return [{ name: 'tenancy_global_read', as: 'permissive', for: 'select', to: roles.app, using: 'true' }, platform];
    case 'tenant':
    case 'workspace': {
      const predicate = rowPredicate(table, config);
      const guard: PolicySpec = {
        name: 'tenancy_tenant_guard',
        as: 'restrictive',
        for: 'all',
        to: roles.app,
        using: predicate,
        withCheck: predicate,
      };
      const allCommands = table.grants.length === COMMANDS.length && Object.keys(table.permissions).length === 0;
      if (allCommands) {
        const isolation: PolicySpec = {
          name: 'tenancy_tenant_isolation',
          as: 'permissive',
          for: 'all',
          to: roles.app,
          using: predicate,
          withCheck: predicate,
        };
        return [isolation, guard, platform];
      }
      // Per command, so a privilege granted later by hand (say UPDATE on an append-only table) still finds no
      // permissive policy and stays useless.
      const perCommand = table.grants.map((command): PolicySpec => {
        const checked = predicate + permissionCheck(config, table.permissions[command]);
        const base = { name: `tenancy_${command}_access`, as: 'permissive' as const, for: command, to: roles.app };
        if (command === 'insert') return { ...base, withCheck: checked };
        // The new row of an UPDATE only has to stay in the tenant; the permission gates which rows can be touched.
        if (command === 'update') return { ...base, using: checked, withCheck: predicate };
        return { ...base, using: checked };
      });
      return [...perCommand, guard, platform];
    }
  }
}
