// The config area's public surface (re-exported by the package entry); other areas import from here.
export type { ConfigIssue } from './config-error.js';
export { formatConfigPath, invalidConfig } from './config-error.js';
export { tenancyConfigSchema } from './config-schema.js';
export type {
  Command,
  GlobalTableInput,
  IgnoredTableInput,
  LintAllowance,
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
} from './config-types.js';
export { COMMANDS } from './config-types.js';
export { defineTenancyConfig } from './define-tenancy-config.js';
export type { LoadConfigOptions } from './load-config.js';
export { CONFIG_FILE_NAMES, loadConfig } from './load-config.js';
export type { DiscoveredTable, ResolveConfigOptions } from './resolve-config.js';
export { resolveConfig } from './resolve-config.js';
