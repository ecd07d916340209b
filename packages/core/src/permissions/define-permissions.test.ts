import { describe, expect, it } from 'vitest';
import { isTenancyError } from '../errors/tenancy-error.js';
import type { Membership } from '../model/membership.js';
import { definePermissions } from './define-permissions.js';

const permissions = definePermissions({
  resources: {
    project: ['read', 'create', 'update', 'delete'],
    document: ['read', 'write'],
    member: ['invite', 'remove'],
    billing: ['read', 'update'],
  },
  roles: {
    viewer: { allow: ['project:read', 'document:read'] },
    member: { inherits: ['viewer'], allow: ['project:create', 'document:*'] },
    admin: { inherits: ['member'], allow: ['project:*', 'member:*', 'billing:read'] },
    owner: { inherits: ['admin'], allow: ['*'] },
    // Everything except money: a deny beats the allow of `*`, own or inherited.
    auditor: { allow: ['*'], deny: ['billing:*'] },
    'no-billing': { deny: ['billing:*'] },
    'billing-reader': { allow: ['billing:read'], deny: ['billing:*'] },
    'owner-without-delete': { inherits: ['owner'], deny: ['project:delete'] },
    'inherits-a-deny': { inherits: ['owner-without-delete'], allow: ['project:delete'] },
  },
  platform: {
    resources: { tenant: ['read', 'suspend', 'delete'], project: ['read'] },
    roles: {
      support: { allow: ['tenant:read', 'project:read'] },
      operator: { inherits: ['support'], allow: ['tenant:*'], deny: ['tenant:delete'] },
      admin: { allow: ['*'] },
    },
  },
});

type TenantPermission = (typeof permissions.permissions)[number];

function member(roles: readonly string[], workspaces?: Membership['workspaces']): Membership {
  return { tenantId: 'tenant-1', userId: 'user-1', roles, ...(workspaces === undefined ? {} : { workspaces }) };
}

function allowedFor(subject: Membership, scope?: { workspaceId: string }): TenantPermission[] {
  return permissions.permissions.filter((p) => permissions.can(subject, p, scope));
}

describe('definePermissions', () => {
  it('lists the declared roles and every resource:action permission in declaration order', () => {
    expect(permissions.roles).toEqual([
      'viewer',
      'member',
      'admin',
      'owner',
      'auditor',
      'no-billing',
      'billing-reader',
      'owner-without-delete',
      'inherits-a-deny',
    ]);
    expect(permissions.permissions).toEqual([
      'project:read',
      'project:create',
      'project:update',
      'project:delete',
      'document:read',
      'document:write',
      'member:invite',
      'member:remove',
      'billing:read',
      'billing:update',
    ]);
  });

  it('allows exactly the listed permissions of a role without inheritance', () => {
    expect(allowedFor(member(['viewer']))).toEqual(['project:read', 'document:read']);
  });

  it('expands resource:* to every action of that resource and nothing else', () => {
    expect(allowedFor(member(['member']))).toEqual([
      'project:read',
      'project:create',
      'document:read',
      'document:write',
    ]);
  });

  it('expands * to every declared permission', () => {
    expect(allowedFor(member(['owner']))).toEqual(permissions.permissions);
  });

  it('inherits allows along the whole chain owner > admin > member > viewer', () => {
    expect(allowedFor(member(['admin']))).toEqual([
      'project:read',
      'project:create',
      'project:update',
      'project:delete',
      'document:read',
      'document:write',
      'member:invite',
      'member:remove',
      'billing:read',
    ]);
    expect(permissions.can(member(['admin']), 'billing:update')).toBe(false);
  });

  it('lets a deny wildcard beat an allow of * in the same role', () => {
    expect(allowedFor(member(['auditor']))).toEqual(permissions.permissions.filter((p) => !p.startsWith('billing:')));
  });

  it('lets a deny wildcard beat an exact allow in the same role', () => {
    expect(permissions.can(member(['billing-reader']), 'billing:read')).toBe(false);
  });

  it('lets an own deny beat an inherited allow', () => {
    expect(permissions.can(member(['owner']), 'project:delete')).toBe(true);
    expect(permissions.can(member(['owner-without-delete']), 'project:delete')).toBe(false);
    expect(permissions.can(member(['owner-without-delete']), 'project:update')).toBe(true);
  });

  it('lets an inherited deny beat an own exact allow', () => {
    expect(permissions.can(member(['inherits-a-deny']), 'project:delete')).toBe(false);
  });

  it('lets a deny from one held role beat an allow from another held role', () => {
    expect(permissions.can(member(['owner', 'no-billing']), 'billing:read')).toBe(false);
    expect(permissions.can(member(['no-billing', 'owner']), 'billing:read')).toBe(false);
    expect(permissions.can(member(['owner', 'no-billing']), 'project:delete')).toBe(true);
  });

  it('unions the allows of several held roles', () => {
    expect(allowedFor(member(['viewer', 'billing-reader', 'member']))).toEqual([
      'project:read',
      'project:create',
      'document:read',
      'document:write',
    ]);
  });

  it('grants nothing for a role the model does not declare, and nothing to a member without roles', () => {
    expect(allowedFor(member(['superuser']))).toEqual([]);
    expect(allowedFor(member([]))).toEqual([]);
    expect(allowedFor(member(['superuser', 'viewer']))).toEqual(['project:read', 'document:read']);
  });

  it('does not treat a platform role name held as a tenant role as a platform grant', () => {
    // "support" and "operator" exist only as platform roles.
    expect(allowedFor(member(['support', 'operator']))).toEqual([]);
  });

  it('denies a permission that is not declared, even to a holder of *', () => {
    expect(permissions.can(member(['owner']), 'project:archive' as TenantPermission)).toBe(false);
    expect(permissions.can(member(['owner']), 'tenant:suspend' as TenantPermission)).toBe(false);
    expect(permissions.can(member(['owner']), '*' as TenantPermission)).toBe(false);
  });

  describe('workspace scope', () => {
    const workspaceMember = member(['viewer'], [{ workspaceId: 'ws-1', roles: ['admin'] }]);

    it('applies a workspace role inside its workspace', () => {
      expect(permissions.can(workspaceMember, 'project:delete', { workspaceId: 'ws-1' })).toBe(true);
    });

    it('does not leak a workspace role into another workspace', () => {
      expect(permissions.can(workspaceMember, 'project:delete', { workspaceId: 'ws-2' })).toBe(false);
      expect(allowedFor(workspaceMember, { workspaceId: 'ws-2' })).toEqual(['project:read', 'document:read']);
    });

    it('does not leak a workspace role into tenant-level checks', () => {
      expect(permissions.can(workspaceMember, 'project:delete')).toBe(false);
      expect(allowedFor(workspaceMember)).toEqual(['project:read', 'document:read']);
    });

    it('covers every workspace with a tenant-wide role', () => {
      const owner = member(['owner'], [{ workspaceId: 'ws-1', roles: ['viewer'] }]);
      for (const workspaceId of ['ws-1', 'ws-2', 'never-seen']) {
        expect(allowedFor(owner, { workspaceId })).toEqual(permissions.permissions);
      }
    });

    it('applies a tenant-wide deny inside every workspace', () => {
      const restricted = member(['no-billing'], [{ workspaceId: 'ws-1', roles: ['owner'] }]);
      expect(permissions.can(restricted, 'billing:read', { workspaceId: 'ws-1' })).toBe(false);
      expect(permissions.can(restricted, 'project:delete', { workspaceId: 'ws-1' })).toBe(true);
    });

    it('keeps a workspace deny inside its workspace', () => {
      const scoped = member(['owner'], [{ workspaceId: 'ws-1', roles: ['no-billing'] }]);
      expect(permissions.can(scoped, 'billing:update', { workspaceId: 'ws-1' })).toBe(false);
      expect(permissions.can(scoped, 'billing:update', { workspaceId: 'ws-2' })).toBe(true);
      expect(permissions.can(scoped, 'billing:update')).toBe(true);
    });

    it('merges the roles of a workspace listed twice', () => {
      const twice = member(
        [],
        [
          { workspaceId: 'ws-1', roles: ['viewer'] },
          { workspaceId: 'ws-1', roles: ['billing-reader', 'member'] },
        ],
      );
      expect(allowedFor(twice, { workspaceId: 'ws-1' })).toEqual([
        'project:read',
        'project:create',
        'document:read',
        'document:write',
      ]);
    });
  });

  describe('permissionsFor', () => {
    const memberships: Membership[] = [
      member(['viewer']),
      member(['admin']),
      member(['owner', 'no-billing']),
      member(['auditor', 'superuser']),
      member(['inherits-a-deny']),
      member(
        ['viewer'],
        [
          { workspaceId: 'ws-1', roles: ['admin'] },
          { workspaceId: 'ws-2', roles: ['no-billing', 'owner'] },
        ],
      ),
      member(['owner'], [{ workspaceId: 'ws-1', roles: ['billing-reader'] }]),
    ];
    const scopes = [undefined, { workspaceId: 'ws-1' }, { workspaceId: 'ws-2' }, { workspaceId: 'ws-3' }];

    it('answers every check exactly as the unbound can() does', () => {
      for (const subject of memberships) {
        const grant = permissions.permissionsFor(subject);
        for (const scope of scopes) {
          for (const permission of permissions.permissions) {
            const expected = permissions.can(subject, permission, scope);
            expect({ roles: subject.roles, scope, permission, can: grant.can(permission, scope) }).toEqual({
              roles: subject.roles,
              scope,
              permission,
              can: expected,
            });
            expect(permissions.can(grant, permission, scope)).toBe(expected);
            expect(permissions.explain(subject, permission, scope).allowed).toBe(expected);
            expect(grant.explain(permission, scope).allowed).toBe(expected);
          }
        }
      }
    });

    it('carries the tenant and user of the membership', () => {
      const grant = permissions.permissionsFor(member(['viewer']));
      expect([grant.tenantId, grant.userId]).toEqual(['tenant-1', 'user-1']);
    });

    it('keeps working from destructured methods', () => {
      const { can } = permissions.permissionsFor(member(['viewer']));
      expect([can('project:read'), can('project:delete')]).toEqual([true, false]);
    });

    it('is a snapshot: changing the membership afterwards changes nothing', () => {
      const roles = ['viewer'];
      const workspaceRoles = ['viewer'];
      const grant = permissions.permissionsFor(member(roles, [{ workspaceId: 'ws-1', roles: workspaceRoles }]));
      roles.push('owner');
      workspaceRoles.push('owner');
      expect(grant.can('project:delete')).toBe(false);
      expect(grant.can('project:delete', { workspaceId: 'ws-1' })).toBe(false);
    });

    it('rejects a grant compiled by another model', () => {
      const other = definePermissions({ resources: { project: ['read'] }, roles: { viewer: { allow: ['*'] } } });
      const foreign = other.permissionsFor(member(['viewer']));
      let error: unknown;
      try {
        permissions.can(foreign as never, 'project:read');
      } catch (caught) {
        error = caught;
      }
      expect(isTenancyError(error, 'INVALID_INPUT')).toBe(true);
    });

    it('rejects a membership without a roles array', () => {
      expect(() => permissions.permissionsFor({ tenantId: 't', userId: 'u' } as never)).toThrowError(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
    });
  });

  describe('assert', () => {
    it('returns nothing when allowed and throws PERMISSION_DENIED naming only the permission when not', () => {
      expect(permissions.assert(member(['viewer']), 'project:read')).toBeUndefined();
      let error: unknown;
      try {
        permissions.assert(member(['viewer']), 'project:delete', { workspaceId: 'ws-secret' });
      } catch (caught) {
        error = caught;
      }
      expect(isTenancyError(error, 'PERMISSION_DENIED')).toBe(true);
      expect((error as Error).message).toBe('Missing permission "project:delete" in this workspace.');
      expect((error as { status: number }).status).toBe(403);
      expect((error as { details: unknown }).details).toEqual({ permission: 'project:delete' });
    });

    it('throws from a grant too', () => {
      const grant = permissions.permissionsFor(member(['viewer']));
      expect(() => grant.assert('member:invite')).toThrowError('Missing permission "member:invite".');
    });
  });

  describe('platform', () => {
    const operator = { userId: 'op-1', platformRoles: ['operator'] };

    it('lists the platform roles and permissions apart from the tenant ones', () => {
      expect(permissions.platform.roles).toEqual(['support', 'operator', 'admin']);
      expect(permissions.platform.permissions).toEqual([
        'tenant:read',
        'tenant:suspend',
        'tenant:delete',
        'project:read',
      ]);
    });

    it('checks platform roles with inheritance, wildcards and deny', () => {
      const allowed = permissions.platform.permissions.filter((p) => permissions.platform.can(operator, p));
      expect(allowed).toEqual(['tenant:read', 'tenant:suspend', 'project:read']);
    });

    it('never lets a tenant role grant a platform permission, even one sharing its name', () => {
      // "admin" is both a tenant and a platform role; held as a tenant role it means nothing to the platform.
      const tenantAdminAsPlatform = { userId: 'user-1', platformRoles: [] };
      expect(permissions.platform.can(tenantAdminAsPlatform, 'tenant:read')).toBe(false);
      expect(permissions.platform.can(member(['admin', 'owner']) as never, 'tenant:read')).toBe(false);
      expect(permissions.platform.can({ userId: 'op', platformRoles: ['owner'] }, 'tenant:read')).toBe(false);
    });

    it('compiles a platform grant that answers like the unbound check', () => {
      const grant = permissions.platform.permissionsFor(operator);
      for (const permission of permissions.platform.permissions) {
        expect(grant.can(permission)).toBe(permissions.platform.can(operator, permission));
        expect(permissions.platform.can(grant, permission)).toBe(permissions.platform.can(operator, permission));
      }
    });

    it('refuses a tenant grant in a platform check', () => {
      const tenantGrant = permissions.permissionsFor(member(['owner']));
      expect(() => permissions.platform.can(tenantGrant as never, 'tenant:read')).toThrowError(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
    });

    it('throws PERMISSION_DENIED from assert', () => {
      expect(() => permissions.platform.assert(operator, 'tenant:delete')).toThrowError(
        'Missing platform permission "tenant:delete".',
      );
    });

    it('has no platform roles at all when none are declared', () => {
      const tenantOnly = definePermissions({ resources: { doc: ['read'] }, roles: { admin: { allow: ['*'] } } });
      expect(tenantOnly.platform.roles).toEqual([]);
      expect(tenantOnly.platform.can({ userId: 'op', platformRoles: ['admin'] }, 'doc:read' as never)).toBe(false);
    });
  });

  it('is not changed by mutating the declaration after the fact', () => {
    const roles = { viewer: { allow: ['doc:read'] as ('doc:read' | 'doc:write')[] } };
    const model = definePermissions({ resources: { doc: ['read', 'write'] }, roles });
    roles.viewer.allow.push('doc:write');
    expect(model.can(member(['viewer']), 'doc:write')).toBe(false);
  });
});
