// The Drizzle area's public surface: pgPolicy emission and reading tables from a Drizzle schema module.
export type { GenerateDrizzleModuleOptions } from './generate-drizzle-module.js';
export { generateDrizzleModule } from './generate-drizzle-module.js';
export { tablesFromDrizzleSchema } from './tables-from-drizzle-schema.js';
export type { TenantPoliciesOptions } from './tenant-policies.js';
export { tenantPolicies } from './tenant-policies.js';
