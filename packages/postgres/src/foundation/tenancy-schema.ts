import { createFoundationSchema } from './foundation-schema.js';

// The foundation tables in the default helper schema `tenancy`. Built once at import; Drizzle tables are immutable.
const foundation = createFoundationSchema('tenancy');

/**
 * The `tenancy` Postgres schema object, for Drizzle queries and for drizzle-kit's `schemaFilter`.
 * @example
 * import { tenancySchema, workspaces } from '@tenancy/postgres/schema';
 * @see https://github.com/tenancy/tenancy/blob/main/docs/foundation.md#drizzle
 */
export const tenancySchema = foundation.schema;
/** `tenancy.tenants`: one row per tenant; soft-deleted rows keep their id, free their slug. */
export const tenants = foundation.tenants;
/** `tenancy.users`: global identities; the app role sees only members of its current tenant. */
export const users = foundation.users;
/** `tenancy.domains`: custom domains per tenant; only verified ones resolve. */
export const domains = foundation.domains;
/** `tenancy.memberships`: a user's tenant-wide roles. */
export const memberships = foundation.memberships;
/** `tenancy.workspaces`: tenant-scoped workspaces, a tree through `parent_id`. */
export const workspaces = foundation.workspaces;
/** `tenancy.workspace_memberships`: a member's roles inside one workspace. */
export const workspaceMemberships = foundation.workspaceMemberships;
/** `tenancy.roles`: the tenant's roles and what they inherit. */
export const roles = foundation.roles;
/** `tenancy.role_permissions`: allow and deny rules per role, read by `tenancy.has_permission()`. */
export const rolePermissions = foundation.rolePermissions;
/** `tenancy.invitations`: pending and used invitations; only the SHA-256 of each token is stored. */
export const invitations = foundation.invitations;
/** `tenancy.audit_log`: append-only tenant audit trail. */
export const auditLog = foundation.auditLog;
/** `tenancy.platform_audit_log`: platform-only record of purges and erasures. */
export const platformAuditLog = foundation.platformAuditLog;
