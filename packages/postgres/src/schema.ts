export type { FoundationSchema } from './foundation/foundation-schema.js';
export { createFoundationSchema } from './foundation/foundation-schema.js';
export {
  auditLog,
  domains,
  invitations,
  memberships,
  platformAuditLog,
  rolePermissions,
  roles,
  tenancySchema,
  tenants,
  users,
  workspaceMemberships,
  workspaces,
} from './foundation/tenancy-schema.js';
export type { TenantBranding, TenantSettings } from './foundation/tenant-settings.js';
export { tenantBrandingSchema, tenantSettingsSchema } from './foundation/tenant-settings.js';
