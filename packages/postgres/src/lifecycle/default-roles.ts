import type { RoleDeclaration } from '@tenancy/core';

/** The roles a new tenant is seeded with: role name -> what it inherits, allows and denies. */
export type TenantRoleSeed = Readonly<Record<string, RoleDeclaration>>;

/**
 * The default role hierarchy of a new tenant: `owner` > `admin` > `member` > `viewer`, each inheriting the next. The
 * permissions are the ones the foundation tables' policies check (`member:add`, `role:manage`, ...) plus reads;
 * your app adds its own by seeding its own set (`createTenant({ roles })`) or inserting into `tenancy.role_permissions`.
 * @example
 * createTenant({ slug: 'acme', name: 'Acme', owner: { email }, roles: { ...DEFAULT_TENANT_ROLES, billing: { allow: ['invoice:*'] } } });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#default-roles
 */
export const DEFAULT_TENANT_ROLES = {
  owner: { inherits: ['admin'], allow: ['*'] },
  admin: {
    inherits: ['member'],
    allow: ['member:*', 'role:*', 'workspace:*', 'invitation:*', 'tenant:update', 'audit:read'],
  },
  member: { inherits: ['viewer'], allow: ['workspace:create'] },
  viewer: { allow: ['tenant:read', 'workspace:read', 'member:read'] },
} as const satisfies TenantRoleSeed;

/** The role that owns a tenant: the creator gets it, and the last member holding it cannot lose it. */
export const OWNER_ROLE = 'owner';
