// The foundation area's exports for the package entry and the generator.

export { foundationLintAllow } from './foundation-lint-allow.js';
export type { FoundationPolicyConfig } from './foundation-policies.js';
export { foundationPolicies } from './foundation-policies.js';
export type { FoundationSchema } from './foundation-schema.js';
export { createFoundationSchema } from './foundation-schema.js';
export type { FoundationConfig } from './foundation-sql.js';
export { AUDIT_MAINTENANCE_SETTING, foundationSql } from './foundation-sql.js';
export type { FoundationTableName } from './foundation-tables.js';
export { foundationTables } from './foundation-tables.js';
export type { PlatformConfig, PlatformTransactionOptions } from './platform-transaction.js';
export { withPlatformTransaction } from './platform-transaction.js';
export type { TenantBranding, TenantSettings } from './tenant-settings.js';
export { tenantBrandingSchema, tenantSettingsSchema } from './tenant-settings.js';
