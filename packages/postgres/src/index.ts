// @tenancy/postgres: every public export by name. `export type` kept separate (verbatimModuleSyntax).

// Configuration
export type {
  Command,
  ConfigIssue,
  DiscoveredTable,
  GlobalTableInput,
  IgnoredTableInput,
  LintAllowance,
  LoadConfigOptions,
  ResolveConfigOptions,
  ResolvedGlobalTable,
  ResolvedIgnoredTable,
  ResolvedTable,
  ResolvedTenancyConfig,
  ResolvedTenantTable,
  ResolvedWorkspaceTable,
  TableInput,
  TenancyConfigInput,
  TenancyDialectName,
  TenantColumnType,
  TenantTableInput,
  WorkspaceTableInput,
} from './config/index.js';
export {
  CONFIG_FILE_NAMES,
  defineTenancyConfig,
  loadConfig,
  resolveConfig,
  tenancyConfigSchema,
} from './config/index.js';
// Tenant-scoped database (one transaction per unit of work, tenant and role set in one statement)
export type { CreateTenantDbOptions, PlatformOptions, TenantDb } from './db/create-tenant-db.js';
export { createTenantDb } from './db/create-tenant-db.js';
export type { TenantDatabase, TenantPreparedQuery } from './db/drizzle-handles.js';
export type { PlatformAccessEvent, PlatformAuditSink } from './db/platform-audit.js';
export type { TenantDbConfig } from './db/runtime-config.js';
export type { TenantIdentity } from './db/tenant-identity.js';
export type { TenantSql } from './db/tenant-sql.js';
export type { UnitOfWorkOptions, UnitResult } from './db/unit-options.js';
export type { WithTenantSqlOptions } from './db/with-tenant-sql.js';
export { prepareTenantSql, withTenantSql } from './db/with-tenant-sql.js';
// Drizzle: pgPolicy emission, tables from a Drizzle schema module
export type { GenerateDrizzleModuleOptions, TenantPoliciesOptions } from './drizzle/index.js';
export { generateDrizzleModule, tablesFromDrizzleSchema, tenantPolicies } from './drizzle/index.js';
// Foundation schema (tenants, memberships, roles, ...): DDL, classification, platform path
export type {
  FoundationConfig,
  FoundationPolicyConfig,
  FoundationSchema,
  FoundationTableName,
  PlatformConfig,
  PlatformTransactionOptions,
  TenantBranding,
  TenantSettings,
} from './foundation/index.js';
export {
  AUDIT_MAINTENANCE_SETTING,
  createFoundationSchema,
  foundationLintAllow,
  foundationPolicies,
  foundationSql,
  foundationTables,
  tenantBrandingSchema,
  tenantSettingsSchema,
  withPlatformTransaction,
} from './foundation/index.js';
// GDPR (export, erasure)
export type {
  EraseTenantOptions,
  EraseUserDataOptions,
  ErasureCounts,
  ExportManifest,
  ExportProgress,
  ExportTenantOptions,
  ExportTrailer,
  PersonalDataColumn,
  UserErasureCounts,
} from './gdpr/index.js';
export { eraseTenant, eraseUserData, exportTenant } from './gdpr/index.js';
// SQL generator
export type {
  ContextStatement,
  Dialect,
  GenerateSqlOptions,
  PolicySpec,
  TenantContextValues,
} from './generate/index.js';
export {
  citusDialect,
  GENERATOR_VERSION,
  generateSql,
  ident,
  literal,
  planPolicies,
  postgresDialect,
  qualify,
} from './generate/index.js';
// Tenant lifecycle (onboarding, invitations, roles, suspend, delete, purge)
export type {
  AcceptedInvitation,
  AcceptInvitationInput,
  ChangeRolesInput,
  CreateTenantInput,
  CreateTenantResult,
  Invitation,
  InviteMemberInput,
  LifecycleOptions,
  PurgeTenantInput,
  ReactivateTenantInput,
  RemoveMemberInput,
  RevokeInvitationInput,
  RoleChange,
  SoftDeleteTenantInput,
  SuspendTenantInput,
  TenantDomainInput,
  TenantLifecycle,
  TenantOwnerInput,
  TenantRoleSeed,
  UpdateTenantInput,
} from './lifecycle/index.js';
export { createTenantLifecycle, DEFAULT_TENANT_ROLES, OWNER_ROLE } from './lifecycle/index.js';
// Linter (`tenancy check`, `tenancy diff`)
export type {
  DiffChange,
  DiffDatabaseOptions,
  DiffReport,
  Finding,
  LintDatabaseOptions,
  LintReport,
  RuleMeta,
  Severity,
  StateKind,
  SuppressedFinding,
} from './lint/index.js';
export {
  DIFF_JSON_VERSION,
  diffDatabase,
  formatDiff,
  formatLintReport,
  LINT_REPORT_JSON_VERSION,
  lintDatabase,
  ruleCatalog,
} from './lint/index.js';
// Postgres tenant store (LISTEN/NOTIFY invalidation)
export type {
  InvalidationTarget,
  ListenForTenantInvalidationsOptions,
  PostgresTenantRecord,
  PostgresTenantStore,
  PostgresTenantStoreOptions,
  TenantInvalidationListener,
  UncachedPostgresTenantStoreOptions,
} from './store/index.js';
export {
  createPostgresTenantStore,
  createUncachedPostgresTenantStore,
  listenForTenantInvalidations,
  notifyTenantChanged,
  TENANT_INVALIDATION_CHANNEL,
} from './store/index.js';
