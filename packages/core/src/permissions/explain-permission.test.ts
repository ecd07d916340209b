import { describe, expect, it } from 'vitest';
import type { Membership } from '../model/membership.js';
import { definePermissions } from './define-permissions.js';

const permissions = definePermissions({
  resources: { project: ['read', 'create', 'delete'], billing: ['read', 'update'] },
  roles: {
    viewer: { allow: ['project:read'] },
    member: { inherits: ['viewer'], allow: ['project:create'] },
    admin: { inherits: ['member'], allow: ['project:*', 'billing:read'] },
    owner: { inherits: ['admin'], allow: ['*'] },
    'no-billing': { deny: ['billing:*'] },
    'careful-owner': { inherits: ['owner', 'no-billing'], deny: ['project:delete'] },
  },
  platform: {
    resources: { tenant: ['read', 'suspend'] },
    roles: { support: { allow: ['tenant:read'] } },
  },
});

const member = (roles: readonly string[], workspaces?: Membership['workspaces']): Membership => ({
  tenantId: 'tenant-1',
  userId: 'user-1',
  roles,
  ...(workspaces === undefined ? {} : { workspaces }),
});

describe('explain', () => {
  it('names the held role and the exact rule it declares itself', () => {
    expect(permissions.explain(member(['viewer']), 'project:read')).toEqual({
      permission: 'project:read',
      scope: 'tenant',
      ignoredRoles: [],
      allowed: true,
      reason: 'allow-rule',
      decidedBy: {
        role: 'viewer',
        heldIn: 'tenant',
        effect: 'allow',
        rule: 'project:read',
        match: 'exact',
        inheritedFrom: null,
      },
    });
  });

  it('names the ancestor an inherited rule comes from', () => {
    expect(permissions.explain(member(['owner']), 'project:create').decidedBy).toEqual({
      role: 'owner',
      heldIn: 'tenant',
      effect: 'allow',
      rule: 'project:create',
      match: 'exact',
      inheritedFrom: 'member',
    });
  });

  it('prefers the most specific matching rule: exact, then resource:*, then *', () => {
    // owner has `*` itself, admin (inherited) has `project:*` and `billing:read`.
    expect(permissions.explain(member(['owner']), 'project:delete').decidedBy).toMatchObject({
      rule: 'project:*',
      match: 'wildcard',
      inheritedFrom: 'admin',
    });
    expect(permissions.explain(member(['owner']), 'billing:read').decidedBy).toMatchObject({
      rule: 'billing:read',
      match: 'exact',
      inheritedFrom: 'admin',
    });
    expect(permissions.explain(member(['owner']), 'billing:update').decidedBy).toMatchObject({
      rule: '*',
      match: 'wildcard',
      inheritedFrom: null,
    });
  });

  it('reports the deny that decided, even when an allow also matches', () => {
    expect(permissions.explain(member(['careful-owner']), 'billing:read')).toEqual({
      permission: 'billing:read',
      scope: 'tenant',
      ignoredRoles: [],
      allowed: false,
      reason: 'deny-rule',
      decidedBy: {
        role: 'careful-owner',
        heldIn: 'tenant',
        effect: 'deny',
        rule: 'billing:*',
        match: 'wildcard',
        inheritedFrom: 'no-billing',
      },
    });
    expect(permissions.explain(member(['careful-owner']), 'project:delete').decidedBy).toEqual({
      role: 'careful-owner',
      heldIn: 'tenant',
      effect: 'deny',
      rule: 'project:delete',
      match: 'exact',
      inheritedFrom: null,
    });
  });

  it('reports a deny from another held role over an allow from the first', () => {
    expect(permissions.explain(member(['owner', 'no-billing']), 'billing:update').decidedBy).toEqual({
      role: 'no-billing',
      heldIn: 'tenant',
      effect: 'deny',
      rule: 'billing:*',
      match: 'wildcard',
      inheritedFrom: null,
    });
  });

  it('says that nothing matched (default deny) and lists held roles the model does not know', () => {
    expect(permissions.explain(member(['viewer', 'superuser']), 'billing:read')).toEqual({
      permission: 'billing:read',
      scope: 'tenant',
      ignoredRoles: ['superuser'],
      allowed: false,
      reason: 'no-allow',
      decidedBy: null,
    });
  });

  it('says when the permission is not declared at all', () => {
    expect(permissions.explain(member(['owner']), 'project:archive' as never)).toEqual({
      permission: 'project:archive',
      scope: 'tenant',
      ignoredRoles: [],
      allowed: false,
      reason: 'unknown-permission',
      decidedBy: null,
    });
  });

  it('reports a workspace role and the workspace it was checked in', () => {
    const subject = member(['viewer'], [{ workspaceId: 'ws-1', roles: ['admin'] }]);
    expect(permissions.explain(subject, 'project:delete', { workspaceId: 'ws-1' })).toEqual({
      permission: 'project:delete',
      scope: 'workspace',
      workspaceId: 'ws-1',
      ignoredRoles: [],
      allowed: true,
      reason: 'allow-rule',
      decidedBy: {
        role: 'admin',
        heldIn: 'workspace',
        effect: 'allow',
        rule: 'project:*',
        match: 'wildcard',
        inheritedFrom: null,
      },
    });
    expect(permissions.explain(subject, 'project:delete', { workspaceId: 'ws-2' })).toEqual({
      permission: 'project:delete',
      scope: 'workspace',
      workspaceId: 'ws-2',
      ignoredRoles: [],
      allowed: false,
      reason: 'no-allow',
      decidedBy: null,
    });
  });

  it('reports a tenant-wide role deciding inside a workspace as held in the tenant', () => {
    const subject = member(['owner'], [{ workspaceId: 'ws-1', roles: ['viewer'] }]);
    expect(permissions.explain(subject, 'project:read', { workspaceId: 'ws-1' }).decidedBy).toEqual({
      role: 'owner',
      heldIn: 'tenant',
      effect: 'allow',
      rule: 'project:read',
      match: 'exact',
      inheritedFrom: 'viewer',
    });
  });

  it('explains the same way from a grant', () => {
    const subject = member(['careful-owner'], [{ workspaceId: 'ws-1', roles: ['viewer'] }]);
    const grant = permissions.permissionsFor(subject);
    for (const permission of permissions.permissions) {
      for (const scope of [undefined, { workspaceId: 'ws-1' }]) {
        expect(grant.explain(permission, scope)).toEqual(permissions.explain(subject, permission, scope));
      }
    }
  });

  it('explains platform checks with the platform role', () => {
    expect(permissions.platform.explain({ userId: 'op', platformRoles: ['support'] }, 'tenant:suspend')).toEqual({
      permission: 'tenant:suspend',
      scope: 'platform',
      ignoredRoles: [],
      allowed: false,
      reason: 'no-allow',
      decidedBy: null,
    });
    const grant = permissions.platform.permissionsFor({ userId: 'op', platformRoles: ['support', 'owner'] });
    expect(grant.explain('tenant:read')).toEqual({
      permission: 'tenant:read',
      scope: 'platform',
      ignoredRoles: ['owner'],
      allowed: true,
      reason: 'allow-rule',
      decidedBy: {
        role: 'support',
        heldIn: 'platform',
        effect: 'allow',
        rule: 'tenant:read',
        match: 'exact',
        inheritedFrom: null,
      },
    });
  });
});
