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
