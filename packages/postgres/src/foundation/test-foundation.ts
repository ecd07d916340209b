// Test support for the foundation's *.pg.test.ts files (not exported from the package): a database with the
// foundation applied under role names unique to that database.
import postgres from 'postgres';
import type { ResolvedTenancyConfig, TableInput, TenancyConfigInput } from '../config/config-types.js';
import { foundationTableInputs } from '../config/foundation-link.js';
import { resolveConfig } from '../config/resolve-config.js';
import type { TestDatabase } from '../testing/create-test-database.js';
import { createTestDatabase, withDatabase } from '../testing/create-test-database.js';
import { foundationPolicies } from './foundation-policies.js';
import { foundationSql } from './foundation-sql.js';
import { foundationTables } from './foundation-tables.js';
import { quoteIdent, quoteLiteral } from './sql-text.js';

/** A test database with the foundation applied, and the config that names its roles. */
export interface FoundationTestDatabase extends TestDatabase {
  readonly config: ResolvedTenancyConfig;
  /** Drops the database, then the roles this file created. */
  dropAll(): Promise<void>;
}

/** The config of one test file: foundation on, roles suffixed (roles are cluster-wide, databases are not). */
export function testConfig(suffix: string, input: TenancyConfigInput = {}): ResolvedTenancyConfig {
  // Until the config module classifies every foundation table itself, the ones it does not know are added here.
  const known = new Set(Object.keys(foundationTableInputs));
  const missing = Object.entries(foundationTables).filter(([name]) => !known.has(name));
  return resolveConfig({
    ...input,
    foundation: true,
    roles: { app: `tenancy_app_${suffix}`, platform: `tenancy_platform_${suffix}` },
    tables: {
      ...input.tables,
      ...Object.fromEntries(missing.map(([name, table]) => [`tenancy.${name}`, table as TableInput])),
    },
  });
}

/**
 * Creates a database, applies the foundation for `input` (plus `extraSql` after the foundation DDL, e.g. user tables
 * that reference it), and returns it.
 */
export async function createFoundationTestDatabase(
  input: TenancyConfigInput = {},
  extraSql = '',
): Promise<FoundationTestDatabase> {
  const db = await createTestDatabase();
  const config = testConfig(db.suffix, input);
  await db.sql.begin((tx) => tx.unsafe(contractSql(config, extraSql)));
  return {
    ...db,
    config,
    dropAll: async () => {
      await db.drop();
      const admin = postgres(withDatabase(db.url, 'postgres'), { max: 1, onnotice: () => {} });
      try {
        for (const role of [config.roles.app, config.roles.platform]) {
          await admin.unsafe(`drop role if exists ${quoteIdent(role)}`);
        }
      } finally {
        await admin.end();
      }
    },
  };
}

// The database contract written out by hand (roles, helper functions, policies), for as long as the generator is not
// in the tree. It follows pg-contract.md to the letter so the switch to generateSql changes nothing the tests see.
function contractSql(config: ResolvedTenancyConfig, extraSql: string): string {
  const s = quoteIdent(config.helperSchema);
  const app = quoteIdent(config.roles.app);
  const platform = quoteIdent(config.roles.platform);
  const setting = (name: string) => quoteLiteral(name);
  const parts: string[] = [
    `create role ${app} nologin nosuperuser nobypassrls`,
    `create role ${platform} nologin nosuperuser nobypassrls`,
    `grant ${app} to current_user`,
    `grant ${platform} to current_user`,
    `create schema if not exists ${s}`,
    `create or replace function ${s}.tenant_id() returns uuid language sql stable as $$ select nullif(current_setting(${setting(config.settings.tenantId)}, true), '')::uuid $$`,
    `create or replace function ${s}.user_id() returns uuid language sql stable as $$ select nullif(current_setting(${setting(config.settings.userId)}, true), '')::uuid $$`,
    `create or replace function ${s}.workspace_id() returns uuid language sql stable as $$ select nullif(current_setting(${setting(config.settings.workspaceId)}, true), '')::uuid $$`,
    `create or replace function ${s}.forbid_tenant_change() returns trigger language plpgsql as $$
      begin
        if to_jsonb(new) -> tg_argv[0] is distinct from to_jsonb(old) -> tg_argv[0] then
          raise exception 'the tenant column cannot change' using errcode = 'check_violation';
        end if;
        return new;
      end $$`,
    `grant usage on schema ${s} to ${app}, ${platform}`,
    foundationSql(config),
    extraSql,
    `create or replace function ${s}.has_permission(p text) returns boolean language sql stable as $$
      with recursive held(role) as (
        select unnest(m.roles) from ${s}.memberships m
          where m.tenant_id = (select ${s}.tenant_id()) and m.user_id = (select ${s}.user_id())
        union
        select unnest(w.roles) from ${s}.workspace_memberships w
          where w.tenant_id = (select ${s}.tenant_id()) and w.user_id = (select ${s}.user_id())
            and w.workspace_id = (select ${s}.workspace_id())
        union
        select unnest(r.inherits) from ${s}.roles r join held h on r.name = h.role
          where r.tenant_id = (select ${s}.tenant_id())
      ),
      matching as (
        select rp.effect from ${s}.role_permissions rp join held h on rp.role = h.role
        where rp.tenant_id = (select ${s}.tenant_id())
          and (rp.permission = p or rp.permission = '*' or rp.permission = split_part(p, ':', 1) || ':*')
      )
      select not exists (select 1 from matching where effect = 'deny') and exists (select 1 from matching where effect = 'allow')
    $$`,
  ];
  for (const table of config.tables) {
    const t = `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
    if (table.scope === 'ignore') continue;
    parts.push(`alter table ${t} enable row level security`, `alter table ${t} force row level security`);
    parts.push(`grant select, insert, update, delete on ${t} to ${platform}`);
    parts.push(`create policy tenancy_platform_access on ${t} to ${platform} using (true) with check (true)`);
    if (table.scope === 'global') {
      parts.push(`grant select on ${t} to ${app}`);
      parts.push(`create policy tenancy_global_read on ${t} for select to ${app} using (true)`);
      continue;
    }
    const column = quoteIdent(table.tenantColumn);
    const predicate = `${column} = (select ${s}.tenant_id())`;
    parts.push(`grant ${table.grants.join(', ')} on ${t} to ${app}`);
    parts.push(
      `create policy tenancy_tenant_isolation on ${t} to ${app} using (${predicate}) with check (${predicate})`,
    );
    parts.push(
      `create policy tenancy_tenant_guard on ${t} as restrictive to ${app} using (${predicate}) with check (${predicate})`,
    );
    for (const [command, permission] of Object.entries(table.permissions)) {
      const check = `(select ${s}.has_permission(${quoteLiteral(permission)}))`;
      const clause = command === 'insert' ? `with check (${check})` : `using (${check})`;
      parts.push(
        `create policy tenancy_${command}_permission on ${t} as restrictive for ${command} to ${app} ${clause}`,
      );
    }
    parts.push(
      `create trigger tenancy_forbid_tenant_change before update on ${t} for each row execute function ${s}.forbid_tenant_change(${quoteLiteral(table.tenantColumn)})`,
    );
  }
  parts.push(foundationPolicies(config));
  return `${parts.filter((part) => part.trim() !== '').join(';\n')};`;
}
