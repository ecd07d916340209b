import type { ResolvedTable, ResolvedTenancyConfig } from '../config/config-types.js';
import { COMMANDS } from '../config/config-types.js';
import type { Dialect } from './dialects/dialect.js';
import type { PolicySpec } from './plan-policies.js';
import { planPolicies } from './plan-policies.js';
import { ident, literal, qualify } from './sql-text.js';

/** Which parts of the per-table block to emit. */
export interface TableBlockOptions {
  /** Emit the policies (false for `--only support`, where drizzle-kit creates them from `pgPolicy`). */
  policies: boolean;
}

/** `create policy ...` for one spec, preceded by `drop policy if exists` so applying again replaces it. */
export function policyStatements(table: { schema: string; name: string }, policy: PolicySpec): string[] {
  const target = qualify(table.schema, table.name);
  const lines = [
    `create policy ${ident(policy.name)} on ${target}`,
    `  as ${policy.as} for ${policy.for} to ${ident(policy.to)}`,
  ];
  if (policy.using !== undefined) lines.push(`  using (${policy.using})`);
  if (policy.withCheck !== undefined) lines.push(`  with check (${policy.withCheck})`);
  return [`drop policy if exists ${ident(policy.name)} on ${target};`, `${lines.join('\n')};`];
}

function describe(table: ResolvedTable, config: ResolvedTenancyConfig): string {
  const name = qualify(table.schema, table.name);
  switch (table.scope) {
    case 'tenant':
      return `-- ${name}: tenant table. Rows belong to the tenant in ${table.tenantColumn} = ${config.helperSchema}.tenant_id().`;
    case 'workspace':
      return `-- ${name}: workspace table. Rows belong to one workspace (${table.workspaceColumn}) of one tenant (${table.tenantColumn}).`;
    case 'global':
      return `-- ${name}: global table. Every tenant reads it; only the platform role writes it.`;
    case 'ignore':
      return `-- ${name}: ignored${table.reason === undefined ? '' : ` (${table.reason})`}. Nothing generated.`;
  }
}

/**
 * Everything one table gets: RLS enabled and forced (FORCE so the table owner is not exempt), DML-only grants,
 * the tenant column's default and immutability trigger, and its policies.
 */
export function tableStatements(
  table: ResolvedTable,
  config: ResolvedTenancyConfig,
  dialect: Dialect,
  options: TableBlockOptions,
): string[] {
  const out = [describe(table, config)];
  if (table.scope === 'ignore') return out;
  const target = qualify(table.schema, table.name);
  const roles = dialect.policyRoles(config);
  const app = ident(roles.app);
  const platform = ident(roles.platform);
  const helpers = ident(config.helperSchema);
  const allDml = COMMANDS.join(', ');

  out.push(
    `alter table ${target} enable row level security;`,
    `alter table ${target} force row level security;`,
    // Revoke first so a TRUNCATE, REFERENCES or TRIGGER granted earlier does not survive: RLS does not cover them.
    `revoke all on table ${target} from ${app}, ${platform};`,
    `grant ${table.scope === 'global' ? 'select' : table.grants.join(', ')} on table ${target} to ${app};`,
    `grant ${allDml} on table ${target} to ${platform};`,
  );
  if (table.scope === 'tenant' || table.scope === 'workspace') {
    const column = ident(table.tenantColumn);
    out.push(`alter table ${target} alter column ${column} set default ${helpers}.tenant_id();`);
    if (table.scope === 'workspace') {
      out.push(
        `alter table ${target} alter column ${ident(table.workspaceColumn)} set default ${helpers}.workspace_id();`,
      );
    }
    // The WHEN clause keeps ordinary updates from paying for the trigger; the function checks again on its own.
    out.push(
      `create or replace trigger tenancy_forbid_tenant_change before update on ${target}\n` +
        `  for each row when (old.${column} is distinct from new.${column})\n` +
        `  execute function ${helpers}.forbid_tenant_change(${literal(table.tenantColumn)});`,
    );
  }
  if (options.policies) {
    for (const policy of planPolicies(table, config, dialect)) out.push(...policyStatements(table, policy));
  }
  return out;
}
