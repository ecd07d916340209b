// Test-only helpers for the linter's tests: a resolved config with per-database role names, and SQL that follows
// the database contract for applying it. Not exported from the package.
import postgres from 'postgres';
import type { TestDatabase } from '../testing/create-test-database.js';
import { withDatabase } from '../testing/create-test-database.js';
import type { Command, ResolvedTable, ResolvedTenancyConfig } from './config-shape.js';
import { withoutTransactionControl } from './drift/split-sql.js';
import type { LintReport } from './types.js';

const ALL: Command[] = ['select', 'insert', 'update', 'delete'];

/** A tenant table entry with the contract's defaults. */
export function tenantTable(schema: string, name: string, extra: { grants?: Command[] } = {}): ResolvedTable {
  return { schema, name, scope: 'tenant', tenantColumn: 'tenant_id', grants: extra.grants ?? ALL, permissions: {} };
}

/** A resolved config for tests: role names carry the database suffix because roles are cluster-wide. */
export function testConfig(
  suffix: string,
  options: {
    schemas: string[];
    tables: ResolvedTable[];
    allow?: ResolvedTenancyConfig['lint']['allow'];
    app?: string;
  },
): ResolvedTenancyConfig {
  return {
    dialect: 'postgres',
    tenantColumn: 'tenant_id',
    tenantColumnType: 'uuid',
    settings: { tenantId: 'tenancy.tenant_id', userId: 'tenancy.user_id', workspaceId: 'tenancy.workspace_id' },
    roles: { app: options.app ?? `tenancy_app_${suffix}`, platform: `tenancy_platform_${suffix}` },
    helperSchema: 'tenancy',
    schemas: [...options.schemas].sort(),
    foundation: false,
    tables: [...options.tables].sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`)),
    lint: { allow: options.allow ?? [] },
  };
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * SQL following the @tenancy/postgres database contract for `config` (roles, helper functions, per-table RLS,
 * grants, default, trigger and policies), wrapped in begin/commit like the generator's output.
 */
export function contractSql(config: ResolvedTenancyConfig): string {
  const app = q(config.roles.app);
  const platform = q(config.roles.platform);
  const h = q(config.helperSchema);
  const lines: string[] = ['begin;'];
  for (const role of [config.roles.app, config.roles.platform]) {
    lines.push(
      `do $$ begin if not exists (select from pg_roles where rolname = '${role}') then create role ${q(role)} nologin nosuperuser nobypassrls; end if; end $$;`,
    );
  }
  lines.push(
    `grant ${app} to current_user;`,
    `grant ${platform} to current_user;`,
    `create schema if not exists ${h};`,
    `grant usage on schema ${h} to ${app}, ${platform};`,
    `create or replace function ${h}.tenant_id() returns ${config.tenantColumnType} language sql stable as $$ select nullif(current_setting('${config.settings.tenantId}', true), '')::${config.tenantColumnType} $$;`,
    `create or replace function ${h}.user_id() returns uuid language sql stable as $$ select nullif(current_setting('${config.settings.userId}', true), '')::uuid $$;`,
    `create or replace function ${h}.workspace_id() returns uuid language sql stable as $$ select nullif(current_setting('${config.settings.workspaceId}', true), '')::uuid $$;`,
    `create or replace function ${h}.forbid_tenant_change() returns trigger language plpgsql as $$
begin
  if (to_jsonb(new) -> tg_argv[0]) is distinct from (to_jsonb(old) -> tg_argv[0]) then
    raise exception 'tenancy: the tenant column cannot change';
  end if;
  return new;
end;
$$;`,
    `grant execute on function ${h}.tenant_id(), ${h}.user_id(), ${h}.workspace_id() to ${app}, ${platform};`,
  );
  for (const t of config.tables) {
    if (t.scope === 'ignore') continue;
    const target = `${q(t.schema)}.${q(t.name)}`;
    const policy = (name: string, body: string) => [
      `drop policy if exists ${name} on ${target};`,
      `create policy ${name} on ${target} ${body};`,
    ];
    lines.push(
      `alter table ${target} enable row level security;`,
      `alter table ${target} force row level security;`,
      `revoke all on table ${target} from ${app}, ${platform};`,
      `grant ${t.scope === 'global' ? 'select' : t.grants.join(', ')} on table ${target} to ${app};`,
      `grant select, insert, update, delete on table ${target} to ${platform};`,
    );
    if (t.scope === 'global') {
      lines.push(...policy('tenancy_global_read', `as permissive for select to ${app} using (true)`));
    } else {
      const col = q(t.tenantColumn);
      const predicate = `${col} = (select ${h}.tenant_id())`;
      lines.push(
        `alter table ${target} alter column ${col} set default ${h}.tenant_id();`,
        `create or replace trigger tenancy_forbid_tenant_change before update on ${target} for each row when (old.${col} is distinct from new.${col}) execute function ${h}.forbid_tenant_change('${t.tenantColumn}');`,
        ...(t.grants.length === 4
          ? policy(
              'tenancy_tenant_isolation',
              `as permissive for all to ${app} using (${predicate}) with check (${predicate})`,
            )
          : t.grants.flatMap((c) =>
              policy(
                `tenancy_${c}_access`,
                `as permissive for ${c} to ${app} ${c === 'insert' ? '' : `using (${predicate})`} ${c === 'insert' || c === 'update' ? `with check (${predicate})` : ''}`,
              ),
            )),
        ...policy(
          'tenancy_tenant_guard',
          `as restrictive for all to ${app} using (${predicate}) with check (${predicate})`,
        ),
      );
    }
    lines.push(
      ...policy('tenancy_platform_access', `as permissive for all to ${platform} using (true) with check (true)`),
    );
  }
  lines.push('commit;');
  return `${lines.join('\n')}\n`;
}

/**
 * Applies a script the way `tenancy apply` does: in one transaction. postgres.js refuses a bare `begin` on a pooled
 * client, so the script's own begin/commit are replaced by `sql.begin`.
 */
export async function applySql(sql: postgres.Sql, script: string): Promise<void> {
  await sql.begin((tx) => tx.unsafe(withoutTransactionControl(script)));
}

/** The objects of the findings a rule produced, sorted. */
export function objectsOf(report: LintReport, rule: string): string[] {
  return report.findings
    .filter((f) => f.rule === rule)
    .map((f) => f.object)
    .sort();
}

/** Drops the test's roles after its database is gone (roles are cluster-wide and outlive the database). */
export async function dropRoles(db: TestDatabase, roles: string[]): Promise<void> {
  const admin = postgres(withDatabase(db.url, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    for (const role of roles) await admin.unsafe(`drop role if exists ${q(role)}`);
  } finally {
    await admin.end();
  }
}
