import { isTenancyError } from '@tenancy/core';
import { describe, expect, it } from 'vitest';
import type { TenancyConfigInput } from './config-types.js';
import { defineTenancyConfig } from './define-tenancy-config.js';
import { resolveConfig } from './resolve-config.js';

const smallest = {
  tables: {
    projects: { scope: 'tenant' },
    tasks: { scope: 'workspace', workspaceColumn: 'workspace_id' },
    plans: { scope: 'global' },
  },
} satisfies TenancyConfigInput;

function configError(input: unknown, options = {}): { message: string; path: unknown; issues: unknown } {
  try {
    resolveConfig(input as TenancyConfigInput, options);
  } catch (error) {
    if (!isTenancyError(error, 'INVALID_CONFIG')) throw error;
    return { message: error.message, path: error.details?.['path'], issues: error.details?.['issues'] };
  }
  throw new Error('expected INVALID_CONFIG');
}

describe('resolveConfig', () => {
  it('resolves the smallest config with every default filled in and tables sorted', () => {
    expect(resolveConfig(smallest)).toEqual({
      dialect: 'postgres',
      tenantColumn: 'tenant_id',
      tenantColumnType: 'uuid',
      settings: { tenantId: 'tenancy.tenant_id', userId: 'tenancy.user_id', workspaceId: 'tenancy.workspace_id' },
      roles: { app: 'tenancy_app', platform: 'tenancy_platform' },
      helperSchema: 'tenancy',
      schemas: ['public'],
      foundation: false,
      tables: [
        { schema: 'public', name: 'plans', scope: 'global' },
        {
          schema: 'public',
          name: 'projects',
          scope: 'tenant',
          tenantColumn: 'tenant_id',
          grants: ['select', 'insert', 'update', 'delete'],
          permissions: {},
        },
        {
          schema: 'public',
          name: 'tasks',
          scope: 'workspace',
          tenantColumn: 'tenant_id',
          workspaceColumn: 'workspace_id',
          grants: ['select', 'insert', 'update', 'delete'],
          permissions: {},
        },
      ],
      lint: { allow: [] },
    });
  });

  it('puts unqualified tables in the first listed schema and keeps grants in canonical order', () => {
    const config = resolveConfig({
      schemas: ['app', 'billing'],
      tables: { projects: { scope: 'tenant', grants: ['insert', 'select'] }, 'billing.invoices': { scope: 'global' } },
    });
    expect(config.schemas).toEqual(['app', 'billing']);
    expect(config.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(['app.projects', 'billing.invoices']);
    expect(config.tables[0]).toMatchObject({ grants: ['select', 'insert'] });
  });

  it('adds the helper schema and the foundation tables when foundation is on', () => {
    const config = resolveConfig({ foundation: true, tables: { projects: { scope: 'tenant' } } });
    expect(config.schemas).toEqual(['public', 'tenancy']);
    expect(config.tables.filter((t) => t.schema === 'tenancy').map((t) => [t.name, t.scope])).toEqual([
      ['audit_log', 'tenant'],
      ['domains', 'tenant'],
      ['invitations', 'tenant'],
      ['memberships', 'tenant'],
      ['platform_audit_log', 'ignore'],
      ['role_permissions', 'tenant'],
      ['roles', 'tenant'],
      ['tenants', 'tenant'],
      ['users', 'global'],
      ['workspace_memberships', 'tenant'],
      ['workspaces', 'tenant'],
    ]);
    expect(config.tables.find((t) => t.name === 'tenants')).toMatchObject({ tenantColumn: 'id', grants: ['select'] });
    expect(config.lint.allow.map((a) => a.object)).toEqual([
      'tenancy.tenants.tenants_slug_key',
      'tenancy.domains.domains_domain_key',
    ]);
  });

  it('refuses to classify a foundation table in the config', () => {
    expect(configError({ foundation: true, tables: { 'tenancy.memberships': { scope: 'global' } } }).message).toContain(
      'tenancy.memberships is a foundation table',
    );
  });

  it('records the source and the lint allowances', () => {
    const config = resolveConfig(
      { tables: {}, lint: { allow: [{ rule: 'unclassified-table', object: 'public.x', reason: 'legacy' }] } },
      { source: 'tenancy.config.json' },
    );
    expect(config.source).toBe('tenancy.config.json');
    expect(config.lint.allow).toEqual([{ rule: 'unclassified-table', object: 'public.x', reason: 'legacy' }]);
  });

  it('names the path of a missing workspace column', () => {
    const error = configError({ tables: { tasks: { scope: 'workspace' } } });
    expect(error.path).toBe('tables.tasks.workspaceColumn');
    expect(error.message).toContain('tables.tasks.workspaceColumn');
  });

  it('names the path of an unknown scope, quoting a dotted table key', () => {
    const error = configError({ tables: { 'public.tasks': { scope: 'tenants' } } });
    expect(error.path).toBe('tables["public.tasks"].scope');
  });

  it('rejects unknown keys so a typo does not silently fall back to a default', () => {
    expect(configError({ tables: {}, tenantColum: 'org_id' }).message).toContain('Unrecognized key: "tenantColum"');
    expect(configError({ tables: { projects: { scope: 'tenant', grant: ['select'] } } }).path).toBe('tables.projects');
  });

  it('rejects identifiers that are not plain names', () => {
    expect(configError({ tenantColumn: 'tenant_id; drop table x', tables: {} }).path).toBe('tenantColumn');
    expect(configError({ tables: { 'a.b.c': { scope: 'global' } } }).path).toBe('tables["a.b.c"]');
    expect(configError({ settings: { tenantId: 'tenant_id' }, tables: {} }).path).toBe('settings.tenantId');
  });

  it('requires foundation for permissions and a granted command for each permission', () => {
    expect(configError({ tables: { p: { scope: 'tenant', permissions: { update: 'p:write' } } } }).path).toBe(
      'tables.p.permissions.update',
    );
    const notGranted = configError({
      foundation: true,
      tables: { p: { scope: 'tenant', grants: ['select'], permissions: { delete: 'p:delete' } } },
    });
    expect(notGranted.path).toBe('tables.p.permissions.delete');
    expect(notGranted.message).toContain('"delete" is not in this table\'s grants');
  });

  it('refuses the foundation schema with a non-uuid tenant type', () => {
    expect(configError({ foundation: true, tenantColumnType: 'text', tables: {} }).path).toBe('tenantColumnType');
  });

  it('refuses tables in schemas that are not managed, and tables classified twice', () => {
    expect(configError({ tables: { 'billing.invoices': { scope: 'global' } } }).message).toContain(
      'schema "billing" is not managed',
    );
    expect(
      configError({ tables: { projects: { scope: 'tenant' }, 'public.projects': { scope: 'global' } } }).message,
    ).toContain('public.projects is classified twice');
  });

  it('refuses identical app and platform roles and identical settings', () => {
    expect(configError({ roles: { app: 'x', platform: 'x' }, tables: {} }).path).toBe('roles.platform');
    expect(configError({ settings: { userId: 'tenancy.tenant_id' }, tables: {} }).path).toBe('settings');
  });

  it('refuses a suppression without a reason', () => {
    expect(configError({ tables: {}, lint: { allow: [{ rule: 'r', object: 'o', reason: ' ' }] } }).path).toBe(
      'lint.allow[0].reason',
    );
  });

  it('reports every issue at once', () => {
    const error = configError({ tenantColumnType: 'int', tables: { t: { scope: 'workspace' } } });
    expect(error.issues).toEqual([
      { path: 'tenantColumnType', message: expect.any(String) },
      { path: 'tables.t.workspaceColumn', message: expect.any(String) },
    ]);
  });

  it('treats Drizzle tables that have the tenant column as tenant tables unless the config says otherwise', () => {
    const config = resolveConfig(
      { drizzleSchema: './schema.ts', tables: { audit: { scope: 'ignore', reason: 'append-only log' } } },
      {
        drizzleTables: [
          { schema: 'public', name: 'projects', columns: ['tenant_id', 'id'] },
          { schema: 'public', name: 'audit', columns: ['tenant_id', 'id'] },
          { schema: 'public', name: 'countries', columns: ['code'] },
        ],
      },
    );
    expect(config.tables).toEqual([
      { schema: 'public', name: 'audit', scope: 'ignore', reason: 'append-only log' },
      {
        schema: 'public',
        name: 'projects',
        scope: 'tenant',
        tenantColumn: 'tenant_id',
        grants: ['select', 'insert', 'update', 'delete'],
        permissions: {},
      },
    ]);
  });

  it('refuses a drizzleSchema that was not loaded', () => {
    expect(configError({ drizzleSchema: './schema.ts', tables: {} }).path).toBe('drizzleSchema');
  });
});

describe('defineTenancyConfig', () => {
  it('returns the config unchanged', () => {
    expect(defineTenancyConfig(smallest)).toBe(smallest);
  });

  it('throws INVALID_CONFIG with the path at once', () => {
    expect(() => defineTenancyConfig({ tables: { t: { scope: 'nope' as 'tenant' } } })).toThrow(/tables\.t\.scope/);
  });
});
