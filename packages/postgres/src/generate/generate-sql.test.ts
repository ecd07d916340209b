import { isTenancyError } from '@tenancy/core';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve-config.js';
import { citusDialect } from './dialects/citus.js';
import { postgresDialect } from './dialects/postgres.js';
import { generateSql } from './generate-sql.js';
import { planPolicies } from './plan-policies.js';

const smallest = resolveConfig(
  {
    tables: {
      projects: { scope: 'tenant' },
      tasks: { scope: 'workspace', workspaceColumn: 'workspace_id' },
      plans: { scope: 'global' },
    },
  },
  { source: 'tenancy.config.json' },
);

describe('generateSql', () => {
  it('renders the smallest config as the committed snapshot', async () => {
    await expect(generateSql(smallest)).toMatchFileSnapshot('./__snapshots__/smallest.sql');
  });

  it('renders the citus dialect as the committed snapshot', async () => {
    const citus = resolveConfig({
      dialect: 'citus',
      tables: { projects: { scope: 'tenant' }, plans: { scope: 'global' } },
    });
    await expect(generateSql(citus)).toMatchFileSnapshot('./__snapshots__/citus.sql');
  });

  it('is byte-identical whatever order the config lists tables and grants in', () => {
    const a = resolveConfig({
      tables: { b: { scope: 'tenant', grants: ['delete', 'select'] }, a: { scope: 'global' }, c: { scope: 'tenant' } },
    });
    const b = resolveConfig({
      tables: { c: { scope: 'tenant' }, a: { scope: 'global' }, b: { scope: 'tenant', grants: ['select', 'delete'] } },
    });
    expect(generateSql(a)).toBe(generateSql(b));
  });

  it('wraps the script in one transaction that takes the apply lock first', () => {
    const sql = generateSql(smallest);
    expect(sql.match(/^begin;$/gm)).toHaveLength(1);
    expect(sql.match(/^commit;$/gm)).toHaveLength(1);
    expect(sql.indexOf('pg_advisory_xact_lock')).toBeLessThan(sql.indexOf('create role'));
    expect(sql.trimEnd().endsWith('commit;')).toBe(true);
    expect(generateSql(smallest, { transaction: false })).not.toMatch(/^(begin|commit);$/m);
  });

  it('never puts an OR in a tenant predicate and always wraps the helper call in a sub-select', () => {
    const sql = generateSql(smallest);
    for (const line of sql.split('\n').filter((l) => /^\s+(using|with check) \(/.test(l))) {
      expect(line).not.toMatch(/\bor\b/i);
      if (line.includes('tenant_id()')) expect(line).toContain('(select tenancy.tenant_id())');
    }
    expect(sql).not.toMatch(/current_setting\([^)]*\)\s*::/);
  });

  it('creates no SECURITY DEFINER function and grants no TRUNCATE, REFERENCES or TRIGGER', () => {
    const sql = generateSql(resolveConfig({ foundation: true, tables: { projects: { scope: 'tenant' } } }));
    expect(sql).not.toMatch(/security definer/i);
    expect(sql).not.toMatch(/grant[^;]*\b(truncate|references|trigger)\b[^;]*\bto\b/i);
  });

  it('quotes identifiers that need it and leaves plain ones bare', () => {
    const sql = generateSql(
      resolveConfig({
        tenantColumn: 'Org',
        roles: { app: 'App', platform: 'user' },
        tables: { Orders: { scope: 'tenant' }, order: { scope: 'global' } },
      }),
    );
    expect(sql).toContain('alter table public."Orders" force row level security;');
    expect(sql).toContain('alter table public."order" force row level security;');
    expect(sql).toContain('using ("Org" = (select tenancy.tenant_id()))');
    expect(sql).toContain('grant "App" to current_user;');
    expect(sql).toContain('as permissive for all to "user"');
    expect(sql).toContain(`('public."Orders"', 'Org')`);
  });

  it('emits per-command policies with permission checks when grants or permissions ask for them', () => {
    const config = resolveConfig({
      foundation: true,
      tables: {
        audit: { scope: 'tenant', grants: ['select', 'insert'] },
        docs: { scope: 'tenant', permissions: { update: 'docs:write', delete: 'docs:delete' } },
      },
    });
    const [audit, docs] = config.tables.filter((t) => t.schema === 'public');
    expect(planPolicies(audit!, config, postgresDialect).map((p) => [p.name, p.for, p.using, p.withCheck])).toEqual([
      ['tenancy_select_access', 'select', 'tenant_id = (select tenancy.tenant_id())', undefined],
      ['tenancy_insert_access', 'insert', undefined, 'tenant_id = (select tenancy.tenant_id())'],
      [
        'tenancy_tenant_guard',
        'all',
        'tenant_id = (select tenancy.tenant_id())',
        'tenant_id = (select tenancy.tenant_id())',
      ],
      ['tenancy_platform_access', 'all', 'true', 'true'],
    ]);
    const update = planPolicies(docs!, config, postgresDialect).find((p) => p.for === 'update');
    expect(update).toEqual({
      name: 'tenancy_update_access',
      as: 'permissive',
      for: 'update',
      to: 'tenancy_app',
      using: "tenant_id = (select tenancy.tenant_id()) and (select tenancy.has_permission('docs:write'))",
      withCheck: 'tenant_id = (select tenancy.tenant_id())',
    });
    expect(generateSql(config)).toContain('grant select, insert on table public.audit to tenancy_app;');
  });

  it('leaves the policies out of the support-only script', () => {
    const sql = generateSql(smallest, { only: 'support' });
    expect(sql).not.toContain('create policy');
    expect(sql).not.toContain('drop policy');
    expect(sql).toContain('alter table public.projects force row level security;');
    expect(sql).toContain('create or replace trigger tenancy_forbid_tenant_change');
  });

  it('casts the tenant setting to the configured tenant column type', () => {
    const sql = generateSql(resolveConfig({ tenantColumnType: 'bigint', tables: {} }));
    expect(sql).toContain('create or replace function tenancy.tenant_id() returns bigint');
    expect(sql).toContain("nullif(pg_catalog.current_setting('tenancy.tenant_id', true), '')::bigint");
  });

  it('asks for the supabase dialect implementation instead of guessing', () => {
    try {
      generateSql(resolveConfig({ dialect: 'supabase', tables: {} }));
      expect.unreachable();
    } catch (error) {
      expect(isTenancyError(error, 'INVALID_CONFIG')).toBe(true);
    }
    expect(generateSql(resolveConfig({ dialect: 'supabase', tables: {} }), { dialect: citusDialect })).toContain(
      'dialect citus',
    );
  });
});
