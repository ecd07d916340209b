import { isTenancyError } from '@tenancy/core';
import type { ResolvedTenancyConfig } from '@tenancy/postgres';
import { generateSql, planPolicies, resolveConfig } from '@tenancy/postgres';
import { describe, expect, it } from 'vitest';
import { resolveSupabaseConfig } from '../config/resolve-supabase-config.js';
import { generateSupabaseSql } from './generate-supabase-sql.js';
import { createSupabaseDialect } from './supabase-dialect.js';

const input = { tables: { projects: { scope: 'tenant' as const }, plans: { scope: 'global' as const } } };

function failure(fn: () => unknown): { code: string; path: unknown } {
  try {
    fn();
  } catch (error) {
    if (isTenancyError(error)) return { code: error.code, path: error.details?.['path'] };
    return { code: `not a TenancyError: ${String(error)}`, path: undefined };
  }
  return { code: 'no error', path: undefined };
}

describe('resolveSupabaseConfig', () => {
  it('defaults to the supabase dialect, the foundation and Supabase roles', () => {
    const config = resolveSupabaseConfig(input);
    expect({ dialect: config.dialect, foundation: config.foundation, roles: config.roles }).toEqual({
      dialect: 'supabase',
      foundation: true,
      roles: { app: 'authenticated', platform: 'service_role' },
    });
  });

  it('refuses workspace tables, naming the table', () => {
    expect(
      failure(() =>
        resolveSupabaseConfig({ tables: { tasks: { scope: 'workspace', workspaceColumn: 'workspace_id' } } }),
      ),
    ).toEqual({ code: 'INVALID_CONFIG', path: ['tables', 'public.tasks'] });
  });

  it('refuses roles other than Supabase ones', () => {
    expect(failure(() => resolveSupabaseConfig({ ...input, roles: { app: 'tenancy_app' } }))).toEqual({
      code: 'INVALID_CONFIG',
      path: ['roles', 'app'],
    });
  });
});

describe('createSupabaseDialect', () => {
  const config = resolveSupabaseConfig(input);

  it('refuses a config of another dialect or without the foundation', () => {
    expect(failure(() => createSupabaseDialect(resolveConfig(input)))).toEqual({
      code: 'INVALID_CONFIG',
      path: ['dialect'],
    });
    const noFoundation: ResolvedTenancyConfig = { ...config, foundation: false };
    expect(failure(() => createSupabaseDialect(noFoundation))).toEqual({
      code: 'INVALID_CONFIG',
      path: ['foundation'],
    });
  });

  it('refuses private schema names that are not identifiers or that collide', () => {
    expect(failure(() => createSupabaseDialect(config, { privateSchema: 'Private"; drop' }))).toEqual({
      code: 'INVALID_CONFIG',
      path: ['privateSchema'],
    });
    expect(failure(() => createSupabaseDialect(config, { privateSchema: 'public' }))).toEqual({
      code: 'INVALID_CONFIG',
      path: ['privateSchema'],
    });
    expect(failure(() => createSupabaseDialect(config, { rpcSchema: 'api v1' }))).toEqual({
      code: 'INVALID_CONFIG',
      path: ['rpcSchema'],
    });
  });

  it('writes the tenant policies for authenticated and the platform policy for service_role', () => {
    const dialect = createSupabaseDialect(config);
    const projects = config.tables.find((t) => t.name === 'projects');
    if (projects === undefined) throw new Error('projects is configured');
    expect(planPolicies(projects, config, dialect).map((p) => [p.name, p.as, p.to, p.using])).toEqual([
      ['tenancy_tenant_isolation', 'permissive', 'authenticated', 'tenant_id = (select tenancy.tenant_id())'],
      ['tenancy_tenant_guard', 'restrictive', 'authenticated', 'tenant_id = (select tenancy.tenant_id())'],
      ['tenancy_platform_access', 'permissive', 'service_role', 'true'],
    ]);
  });

  it('reads the tenant from app_metadata through the membership check, the user from auth.uid(), no workspace', () => {
    const dialect = createSupabaseDialect(config);
    const tenant = dialect.readSetting(config.settings.tenantId, 'uuid');
    expect(tenant).toContain("auth.jwt() -> 'app_metadata' ->> 'tenant_id'");
    expect(tenant).toContain('tenancy_private.is_member(claimed.id)');
    expect(tenant).not.toContain('user_metadata');
    expect(dialect.readSetting(config.settings.userId, 'uuid')).toBe('auth.uid()');
    expect(dialect.readSetting(config.settings.workspaceId, 'uuid')).toBe('null::uuid');
    expect(failure(() => dialect.readSetting('app.other', 'uuid')).code).toBe('INVALID_CONFIG');
  });

  it('scopes a direct connection the way PostgREST scopes a request', () => {
    const dialect = createSupabaseDialect(config);
    const tenant = '00000000-0000-4000-8000-00000000000a';
    const user = '10000000-0000-4000-8000-000000000001';
    expect(dialect.contextStatement(config, { tenantId: tenant, userId: user, role: 'app' })).toEqual({
      text: "select pg_catalog.set_config('request.jwt.claims', $1, true), pg_catalog.set_config('role', $2, true)",
      params: [
        JSON.stringify({ sub: user, role: 'authenticated', app_metadata: { tenant_id: tenant } }),
        'authenticated',
      ],
    });
    expect(dialect.contextStatement(config, { tenantId: tenant, role: 'platform' }).params).toEqual([
      '{"role":"service_role"}',
      'service_role',
    ]);
  });

  it('refuses to be used with another config than the one it was made for', () => {
    const dialect = createSupabaseDialect(config);
    const other = resolveSupabaseConfig({ tables: { invoices: { scope: 'tenant' } } });
    expect(failure(() => generateSql(other, { dialect })).code).toBe('INVALID_CONFIG');
  });
});

describe('generateSupabaseSql', () => {
  const config = resolveSupabaseConfig(input);

  it('is deterministic and matches the committed snapshot', async () => {
    const sql = generateSupabaseSql(config);
    expect(generateSupabaseSql(resolveSupabaseConfig(input))).toBe(sql);
    await expect(sql).toMatchFileSnapshot('./__snapshots__/supabase.sql');
  });

  it('never reads user_metadata and never grants anything to anon', () => {
    const sql = generateSupabaseSql(config);
    expect(sql).not.toMatch(/user_metadata/);
    expect(sql).not.toMatch(/grant [^;]* to [^;]*\banon\b/i);
  });

  it('puts the helpers in the private schema it is given', () => {
    const sql = generateSupabaseSql(config, { privateSchema: 'app_private', rpcSchema: 'api' });
    expect(sql).toContain('create or replace function app_private.is_member(tenant uuid)');
    expect(sql).toContain('create or replace function app_private.access_token_hook(event jsonb)');
    expect(sql).toContain('create or replace function api.tenancy_switch_tenant(target_tenant_id uuid)');
    expect(sql).not.toContain('tenancy_private');
  });
});
