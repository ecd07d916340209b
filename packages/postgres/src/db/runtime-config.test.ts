import { describe, expect, it } from 'vitest';
import { compileRuntimeConfig } from './runtime-config.js';
import { settingValuesFor } from './tenant-identity.js';
import { beginStatement } from './unit-options.js';

const T = '00000000-0000-4000-8000-000000000001';
const U = '30000000-0000-4000-8000-000000000001';

describe('compileRuntimeConfig', () => {
  it('builds one prelude: begin, then one schema-qualified statement setting tenant, user, workspace and role', () => {
    const runtime = compileRuntimeConfig();
    expect(runtime.prelude('begin', [T, '', '', 'tenancy_app'])).toBe(
      `begin; select pg_catalog.set_config('tenancy.tenant_id', E'${T}', true), pg_catalog.set_config('tenancy.user_id', E'', true), pg_catalog.set_config('tenancy.workspace_id', E'', true), pg_catalog.set_config('role', E'tenancy_app', true)`,
    );
    expect(runtime.roles).toEqual({ app: 'tenancy_app', platform: 'tenancy_platform' });
  });

  it('inlines values as escaped literals, keeps the given begin, and uses SET LOCAL for citus', () => {
    const runtime = compileRuntimeConfig({ tenantColumnType: 'text', settings: { tenantId: 'app.tenant' } });
    expect(runtime.prelude('begin read only', ["o'brien\\x", '', '', 'tenancy_app'])).toBe(
      "begin read only; select pg_catalog.set_config('app.tenant', E'o''brien\\\\x', true), pg_catalog.set_config('tenancy.user_id', E'', true), pg_catalog.set_config('tenancy.workspace_id', E'', true), pg_catalog.set_config('role', E'tenancy_app', true)",
    );
    const citus = compileRuntimeConfig({ dialect: 'citus', roles: { app: 'app_rt' } });
    expect(citus.prelude('begin', [T, U, '', 'app_rt'])).toBe(
      `begin; set local tenancy.tenant_id = E'${T}'; set local tenancy.user_id = E'${U}'; set local tenancy.workspace_id = E''; set local role "app_rt"`,
    );
  });

  it('rejects names that would be inlined into SQL, naming the path', () => {
    for (const [config, path] of [
      [{ settings: { userId: 'no_dot' } }, ['settings', 'userId']],
      [{ roles: { app: 'App"; drop' } }, ['roles', 'app']],
      [{ tenantColumnType: 'int' }, ['tenantColumnType']],
    ] as const) {
      expect(() => compileRuntimeConfig(config as never)).toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIG', details: { path } }),
      );
    }
    expect(() => compileRuntimeConfig({ roles: { app: 'same', platform: 'same' } })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
    expect(() => compileRuntimeConfig({ dialect: 'supabase' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
  });
});

describe('settingValuesFor', () => {
  const uuid = compileRuntimeConfig();
  it('returns tenant, user, workspace and the app role, with empty strings for what is absent', () => {
    expect(settingValuesFor({ tenantId: T, userId: U }, uuid)).toEqual([T, U, '', 'tenancy_app']);
  });

  it('rejects malformed ids with INVALID_INPUT without echoing them', () => {
    const probe = `${T}' or true --`;
    try {
      settingValuesFor({ tenantId: probe }, uuid);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'tenantId' } });
      expect((error as Error).message).not.toContain(probe);
    }
    expect(() => settingValuesFor({ tenantId: T, workspaceId: 'ws-1' }, uuid)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', details: { field: 'workspaceId' } }),
    );
  });

  it('validates by the configured tenant column type', () => {
    const bigint = compileRuntimeConfig({ tenantColumnType: 'bigint' });
    expect(settingValuesFor({ tenantId: '9223372036854775807' }, bigint)[0]).toBe('9223372036854775807');
    expect(() => settingValuesFor({ tenantId: '9223372036854775808' }, bigint)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    const text = compileRuntimeConfig({ tenantColumnType: 'text' });
    expect(settingValuesFor({ tenantId: 'acme' }, text)[0]).toBe('acme');
    expect(() => settingValuesFor({ tenantId: 'a\u0000b' }, text)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => settingValuesFor({ tenantId: '' }, text)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('beginStatement', () => {
  it('adds isolation level and read only from a fixed list', () => {
    expect(beginStatement(undefined)).toBe('begin');
    expect(beginStatement({ isolationLevel: 'repeatable read', readOnly: true })).toBe(
      'begin isolation level repeatable read read only',
    );
    expect(() => beginStatement({ isolationLevel: 'serializable; drop table x' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});
