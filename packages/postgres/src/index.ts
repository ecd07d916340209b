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
  planPolicies,
  postgresDialect,
} from './generate/index.js';
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
