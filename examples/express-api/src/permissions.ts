import { definePermissions } from '@tenancy/core';

// The resources and actions of this app. Core compiles them for requirePermission(); the same role declaration is
// seeded into each new tenant's `tenancy.roles`/`role_permissions`, which `tenancy.has_permission()` reads when the
// database checks writes to projects and tasks. One declaration for both, so the two checks cannot drift apart.
const resources = {
  project: ['read', 'create', 'update', 'delete'],
  task: ['read', 'create', 'update', 'delete'],
  workspace: ['read', 'create', 'update', 'delete'],
  // add/update/remove are the names the foundation's membership policies check.
  member: ['read', 'add', 'update', 'remove'],
  invitation: ['create', 'revoke'],
  role: ['manage'],
  tenant: ['read', 'update'],
  audit: ['read'],
} as const;

/** The roles of every tenant: owner > admin > member > viewer, each inheriting the next. */
export const TENANT_ROLES = {
  viewer: { allow: ['project:read', 'task:read', 'workspace:read', 'member:read', 'tenant:read'] },
  member: { inherits: ['viewer'], allow: ['project:create', 'project:update', 'task:*', 'workspace:create'] },
  admin: {
    inherits: ['member'],
    allow: ['project:*', 'workspace:*', 'member:*', 'invitation:*', 'role:*', 'tenant:update', 'audit:read'],
  },
  owner: { inherits: ['admin'], allow: ['*'] },
} as const;

/** The role names a member can be given. */
export const ROLE_NAMES = ['owner', 'admin', 'member', 'viewer'] as const;

/** The compiled permission model of the app. */
export const permissions = definePermissions({ resources, roles: TENANT_ROLES });

/** A permission of this app, `resource:action`. */
export type AppPermission = Parameters<typeof permissions.can>[1];
