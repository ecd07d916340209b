import { getTableConfig } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve-config.js';
import { createFoundationSchema } from './foundation-schema.js';
import { foundationTables } from './foundation-tables.js';

describe('foundationTables', () => {
  it('classifies exactly the tables the Drizzle schema declares', () => {
    const { schema: _schema, ...tables } = createFoundationSchema();
    const declared = Object.values(tables).map((t) => getTableConfig(t).name);
    expect(Object.keys(foundationTables).sort()).toEqual(declared.sort());
  });

  it('resolves with the foundation: the tenant row by its id, read-only tables, permission-guarded writes', () => {
    const config = resolveConfig({ foundation: true });
    const byName = new Map(config.tables.map((t) => [t.name, t]));
    expect(byName.get('tenants')).toEqual({
      schema: 'tenancy',
      name: 'tenants',
      scope: 'tenant',
      tenantColumn: 'id',
      grants: ['select'],
      permissions: {},
    });
    expect(byName.get('users')).toEqual({ schema: 'tenancy', name: 'users', scope: 'global' });
    expect(byName.get('audit_log')).toMatchObject({
      grants: ['select', 'insert'],
      permissions: { select: 'audit:read' },
    });
    expect(byName.get('memberships')).toMatchObject({
      tenantColumn: 'tenant_id',
      grants: ['select', 'insert', 'update', 'delete'],
      permissions: { insert: 'member:add', update: 'member:update', delete: 'member:remove' },
    });
    expect(byName.get('platform_audit_log')).toMatchObject({ scope: 'ignore' });
    // has_permission() reads these: a permission on their reads would make a policy call the function it guards.
    for (const name of ['memberships', 'workspace_memberships', 'roles', 'role_permissions']) {
      const table = byName.get(name);
      expect(table?.scope === 'tenant' && table.permissions.select, name).toBeUndefined();
    }
  });
});
