import { describe, expectTypeOf, it } from 'vitest';
import type { Membership } from '../model/membership.js';
import { definePermissions } from './define-permissions.js';
import type { DecidingRule } from './explain-permission.js';
import type { InferPermission, InferRole, PermissionGrant, PermissionModel } from './permission-model.js';

const permissions = definePermissions({
  resources: { project: ['read', 'create', 'delete'], billing: ['read', 'update'] },
  roles: {
    viewer: { allow: ['project:read'] },
    member: { inherits: ['viewer'], allow: ['project:create'] },
    admin: { inherits: ['member'], allow: ['project:*', 'billing:read'] },
    owner: { inherits: ['admin'], allow: ['*'], deny: ['billing:update'] },
  },
  platform: {
    resources: { tenant: ['read', 'suspend'] },
    roles: { support: { allow: ['tenant:read'] }, operator: { inherits: ['support'], allow: ['tenant:*'] } },
  },
});

type TenantPermission = 'project:read' | 'project:create' | 'project:delete' | 'billing:read' | 'billing:update';
const membership: Membership = { tenantId: 't', userId: 'u', roles: ['member'] };

describe('definePermissions types', () => {
  it('infers the union of declared resource:action names', () => {
    expectTypeOf(permissions.permissions).toEqualTypeOf<readonly TenantPermission[]>();
    expectTypeOf(permissions.platform.permissions).toEqualTypeOf<readonly ('tenant:read' | 'tenant:suspend')[]>();
  });

  it('exposes the unions through InferPermission and InferRole', () => {
    expectTypeOf<InferPermission<typeof permissions>>().toEqualTypeOf<TenantPermission>();
    expectTypeOf<InferRole<typeof permissions>>().toEqualTypeOf<'viewer' | 'member' | 'admin' | 'owner'>();
    expectTypeOf<InferPermission<typeof permissions.platform>>().toEqualTypeOf<'tenant:read' | 'tenant:suspend'>();
    expectTypeOf<InferRole<typeof permissions.platform>>().toEqualTypeOf<'support' | 'operator'>();
  });

  it('infers role names from the keys of roles', () => {
    expectTypeOf(permissions.roles).toEqualTypeOf<readonly ('viewer' | 'member' | 'admin' | 'owner')[]>();
    expectTypeOf(permissions.platform.roles).toEqualTypeOf<readonly ('support' | 'operator')[]>();
  });

  it('accepts only declared permissions in can()', () => {
    expectTypeOf(permissions.can).parameter(1).toEqualTypeOf<TenantPermission>();
    permissions.can(membership, 'project:delete', { workspaceId: 'w' });
    // @ts-expect-error a typo in the action is a compile error
    permissions.can(membership, 'project:delte');
    // @ts-expect-error a wildcard is a rule, not a permission one can check
    permissions.can(membership, 'project:*');
    // @ts-expect-error platform permissions are not tenant permissions
    permissions.can(membership, 'tenant:suspend');
  });

  it('types the per-request grant with the same union', () => {
    const grant = permissions.permissionsFor(membership);
    expectTypeOf(grant).toEqualTypeOf<PermissionGrant<TenantPermission, 'viewer' | 'member' | 'admin' | 'owner'>>();
    expectTypeOf(grant.can).parameter(0).toEqualTypeOf<TenantPermission>();
    // @ts-expect-error a typo in the resource is a compile error
    grant.can('projet:read');
    expectTypeOf(permissions.can(grant, 'billing:read')).toEqualTypeOf<boolean>();
  });

  it('keeps platform checks apart from tenant memberships', () => {
    permissions.platform.can({ userId: 'op', platformRoles: ['support'] }, 'tenant:read');
    // @ts-expect-error a tenant membership has no platformRoles
    permissions.platform.can(membership, 'tenant:read');
    // @ts-expect-error tenant permissions are not platform permissions
    permissions.platform.can({ userId: 'op', platformRoles: [] }, 'project:read');
  });

  it('types explain() with the permission and the declared role names', () => {
    const explanation = permissions.explain(membership, 'project:read');
    expectTypeOf(explanation.permission).toEqualTypeOf<TenantPermission>();
    if (explanation.allowed) {
      expectTypeOf(explanation.decidedBy).toEqualTypeOf<DecidingRule<'viewer' | 'member' | 'admin' | 'owner'>>();
      expectTypeOf(explanation.reason).toEqualTypeOf<'allow-rule'>();
    } else {
      expectTypeOf(explanation.reason).toEqualTypeOf<'deny-rule' | 'no-allow' | 'unknown-permission'>();
    }
  });

  it('rejects undeclared permissions, resources and roles inside the declaration', () => {
    definePermissions({
      resources: { project: ['read'] },
      // @ts-expect-error unknown action in an allow list
      roles: { viewer: { allow: ['project:write'] } },
    });
    definePermissions({
      resources: { project: ['read'] },
      // @ts-expect-error unknown resource in a deny list
      roles: { viewer: { deny: ['projects:*'] } },
    });
    definePermissions({
      resources: { project: ['read'] },
      // @ts-expect-error inheriting from a role that is not declared
      roles: { viewer: { allow: ['*'] }, member: { inherits: ['viewr'] } },
    });
  });

  it('stays assignable to the untyped PermissionModel that adapters accept', () => {
    expectTypeOf(permissions).toExtend<PermissionModel>();
  });

  it('has no platform permissions when none are declared', () => {
    const tenantOnly = definePermissions({ resources: { doc: ['read'] }, roles: { reader: { allow: ['doc:read'] } } });
    expectTypeOf(tenantOnly.platform.permissions).toEqualTypeOf<readonly never[]>();
  });
});
