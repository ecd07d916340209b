import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../audit/audit-event.js';
import type { Membership } from '../model/membership.js';
import { definePermissions } from './define-permissions.js';

const AT = '2030-01-02T03:04:05.000Z';

function modelWithSink() {
  const events: AuditEvent[] = [];
  const permissions = definePermissions(
    {
      resources: { project: ['read', 'delete'], billing: ['read'] },
      roles: {
        viewer: { allow: ['project:read'] },
        owner: { allow: ['*'] },
        'no-billing': { deny: ['billing:*'] },
      },
      platform: { resources: { tenant: ['read', 'suspend'] }, roles: { support: { allow: ['tenant:read'] } } },
    },
    {
      audit: (event) => {
        events.push(event);
      },
    },
  );
  return { permissions, events };
}

const subject: Membership = {
  tenantId: 'tenant-1',
  userId: 'user-1',
  roles: ['viewer', 'no-billing'],
  workspaces: [{ workspaceId: 'ws-1', roles: ['owner'] }],
};

describe('permission.denied audit events', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(AT));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('emits nothing for allowed checks', () => {
    const { permissions, events } = modelWithSink();
    const grant = permissions.permissionsFor(subject);
    permissions.can(subject, 'project:read');
    permissions.can(subject, 'project:delete', { workspaceId: 'ws-1' });
    grant.can('project:read');
    grant.can('project:delete', { workspaceId: 'ws-1' });
    permissions.platform.can({ userId: 'op-1', platformRoles: ['support'] }, 'tenant:read');
    permissions.explain(subject, 'project:delete');
    expect(events).toEqual([]);
  });

  it('emits one exact event per denied tenant check, with the reason', () => {
    const { permissions, events } = modelWithSink();
    expect(permissions.can(subject, 'project:delete')).toBe(false);
    expect(permissions.can(subject, 'billing:read', { workspaceId: 'ws-1' })).toBe(false);
    expect(permissions.can(subject, 'project:archive' as never)).toBe(false);
    expect(events).toEqual([
      {
        type: 'permission.denied',
        at: AT,
        tenantId: 'tenant-1',
        principalId: 'user-1',
        permission: 'project:delete',
        scope: 'tenant',
        reason: 'no-allow',
      },
      {
        type: 'permission.denied',
        at: AT,
        tenantId: 'tenant-1',
        principalId: 'user-1',
        permission: 'billing:read',
        scope: 'workspace',
        workspaceId: 'ws-1',
        reason: 'deny-rule',
      },
      {
        type: 'permission.denied',
        at: AT,
        tenantId: 'tenant-1',
        principalId: 'user-1',
        permission: 'project:archive',
        scope: 'tenant',
        reason: 'unknown-permission',
      },
    ]);
  });

  it('emits the same events from a grant, through can() and assert()', () => {
    const { permissions, events } = modelWithSink();
    const grant = permissions.permissionsFor(subject);
    expect(grant.can('project:delete', { workspaceId: 'ws-2' })).toBe(false);
    expect(() => grant.assert('billing:read')).toThrowError(expect.objectContaining({ code: 'PERMISSION_DENIED' }));
    expect(permissions.can(grant, 'project:delete')).toBe(false);
    expect(events).toEqual([
      {
        type: 'permission.denied',
        at: AT,
        tenantId: 'tenant-1',
        principalId: 'user-1',
        permission: 'project:delete',
        scope: 'workspace',
        workspaceId: 'ws-2',
        reason: 'no-allow',
      },
      {
        type: 'permission.denied',
        at: AT,
        tenantId: 'tenant-1',
        principalId: 'user-1',
        permission: 'billing:read',
        scope: 'tenant',
        reason: 'deny-rule',
      },
      {
        type: 'permission.denied',
        at: AT,
        tenantId: 'tenant-1',
        principalId: 'user-1',
        permission: 'project:delete',
        scope: 'tenant',
        reason: 'no-allow',
      },
    ]);
  });

  it('emits platform denials without a tenant', () => {
    const { permissions, events } = modelWithSink();
    const operator = { userId: 'op-1', platformRoles: ['support'] };
    expect(permissions.platform.can(operator, 'tenant:suspend')).toBe(false);
    expect(permissions.platform.permissionsFor(operator).can('tenant:suspend')).toBe(false);
    const expected = {
      type: 'permission.denied',
      at: AT,
      tenantId: null,
      principalId: 'op-1',
      permission: 'tenant:suspend',
      scope: 'platform',
      reason: 'no-allow',
    };
    expect(events).toEqual([expected, expected]);
  });

  it('still answers false when the sink throws, and reports the failure to onAuditError', () => {
    const failure = new Error('audit store down');
    const reported: unknown[] = [];
    const permissions = definePermissions(
      { resources: { project: ['read'] }, roles: { viewer: {} } },
      {
        audit: () => {
          throw failure;
        },
        onAuditError: (error, event) => reported.push(error, event.type),
      },
    );
    expect(permissions.can({ tenantId: 't', userId: 'u', roles: ['viewer'] }, 'project:read')).toBe(false);
    expect(reported).toEqual([failure, 'permission.denied']);
  });

  it('keeps auditing when the options object is changed after the model was built', () => {
    const events: AuditEvent[] = [];
    const options: { audit?: ((event: AuditEvent) => void) | undefined } = {
      audit: (event) => void events.push(event),
    };
    const permissions = definePermissions({ resources: { project: ['read'] }, roles: { viewer: {} } }, options);
    options.audit = undefined;
    permissions.can({ tenantId: 't', userId: 'u', roles: ['viewer'] }, 'project:read');
    expect(events.map((event) => event.type)).toEqual(['permission.denied']);
  });
});
