import type { InferPermission } from '@tenancy/core';
import { definePermissions } from '@tenancy/core';

/**
 * The tenant roles, used twice: seeded into each tenant's `tenancy.roles` (which `tenancy.has_permission()` reads in
 * the database) and compiled into the app's permission model below, so the database and the app agree.
 */
export const ROLES = {
  owner: { inherits: ['admin'], allow: ['*'] },
  admin: {
    inherits: ['member'],
    allow: ['member:*', 'role:*', 'workspace:*', 'invitation:*', 'tenant:update', 'audit:read'],
  },
  member: { inherits: ['viewer'], allow: ['workspace:create', 'project:create'] },
  viewer: { allow: ['tenant:read', 'workspace:read', 'member:read', 'project:read'] },
} as const;

/** The roles a member can be given on the members page, most powerful first. */
export const ROLE_NAMES = ['owner', 'admin', 'member', 'viewer'] as const satisfies ReadonlyArray<keyof typeof ROLES>;

/** The app's permission model: what each role may do in its tenant. */
export const permissions = definePermissions({
  resources: {
    project: ['read', 'create'],
    member: ['read', 'add', 'update', 'remove'],
    role: ['manage'],
    workspace: ['read', 'create', 'update', 'delete'],
    invitation: ['create', 'revoke'],
    tenant: ['read', 'update'],
    audit: ['read'],
  },
  roles: ROLES,
});

/** Every permission name the app checks, e.g. `'project:create'`. */
export type Permission = InferPermission<typeof permissions>;
