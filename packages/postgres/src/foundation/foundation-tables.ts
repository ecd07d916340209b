import type { TableInput } from '../config/config-types.js';

/**
 * How every foundation table is classified, keyed by its name inside the helper schema. `generateSql` turns this into
 * grants and policies when the config says `foundation: true`. Writes that change who may do what (memberships,
 * roles, workspaces) need a permission from `tenancy.has_permission()`; reads of the tables that function itself reads
 * never do, or a policy would call the function that reads the table it guards. Tenants, domains and invitations are
 * read-only to the app role: they change only through the lifecycle functions (the audited platform path).
 * @example
 * foundationTables.audit_log; // { scope: 'tenant', grants: ['select', 'insert'], permissions: { select: 'audit:read' } }
 * @see https://github.com/tenancy/tenancy/blob/main/docs/foundation.md#classification
 */
export const foundationTables = {
  // The tenant row is the tenant itself: its key is its tenant column, so a tenant sees exactly its own row.
  tenants: { scope: 'tenant', tenantColumn: 'id', grants: ['select'] },
  // Global identities. The generated `using (true)` read is narrowed by the restrictive `tenancy_users_member_guard`
  // from foundationPolicies(): the app role sees the users of its own tenant, never the platform's user list.
  users: { scope: 'global' },
  domains: { scope: 'tenant', grants: ['select'] },
  memberships: {
    scope: 'tenant',
    permissions: { insert: 'member:add', update: 'member:update', delete: 'member:remove' },
  },
  workspaces: {
    scope: 'tenant',
    permissions: { insert: 'workspace:create', update: 'workspace:update', delete: 'workspace:delete' },
  },
  workspace_memberships: {
    scope: 'tenant',
    permissions: { insert: 'member:update', update: 'member:update', delete: 'member:update' },
  },
  roles: {
    scope: 'tenant',
    permissions: { insert: 'role:manage', update: 'role:manage', delete: 'role:manage' },
  },
  role_permissions: {
    scope: 'tenant',
    permissions: { insert: 'role:manage', update: 'role:manage', delete: 'role:manage' },
  },
  invitations: { scope: 'tenant', grants: ['select'] },
  audit_log: { scope: 'tenant', grants: ['select', 'insert'], permissions: { select: 'audit:read' } },
  platform_audit_log: {
    scope: 'ignore',
    reason:
      'Platform-only record of purges and erasures: no privileges for the app role; RLS forced with a platform policy (foundationPolicies).',
  },
} as const satisfies Readonly<Record<string, TableInput>>;

/** The names of the foundation tables inside the helper schema. */
export type FoundationTableName = keyof typeof foundationTables;
