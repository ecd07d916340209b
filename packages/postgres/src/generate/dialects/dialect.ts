import type { ResolvedTable, ResolvedTenancyConfig, TenantColumnType } from '../../config/config-types.js';

/** The values a unit of work scopes itself to. Empty or absent user/workspace means "none". */
export interface TenantContextValues {
  tenantId: string;
  userId?: string | undefined;
  workspaceId?: string | undefined;
  /** Which runtime role the unit of work runs as. */
  role: 'app' | 'platform';
}

/** SQL to run right after `begin` to scope a unit of work: text plus positional parameters. */
export interface ContextStatement {
  text: string;
  params: string[];
}

/**
 * Where dialects differ. The generator builds the same model (roles, helper functions, per-table policies) for
 * every dialect and asks the dialect only these questions; `@tenancy/supabase` implements the interface for
 * Supabase (settings read from the JWT, policies for `authenticated`).
 * @see https://github.com/tenancy/tenancy/blob/main/docs/rls.md#dialects
 */
export interface Dialect {
  /** Shown in the SQL header. */
  readonly name: string;
  /** SQL expression a helper function returns: the transaction-local setting `setting`, as `type`, NULL when unset. */
  readSetting(setting: string, type: TenantColumnType): string;
  /** The roles policies target: the tenant-scoped runtime role and the cross-tenant platform role. */
  policyRoles(config: ResolvedTenancyConfig): { app: string; platform: string };
  /** Statements that create (if missing) and check the runtime roles; empty when the platform provides them. */
  roleStatements(config: ResolvedTenancyConfig): string[];
  /** Extra preflight blocks (each a complete statement) that raise before anything changes. */
  preflightStatements(config: ResolvedTenancyConfig, tables: readonly ResolvedTable[]): string[];
  /** Statements after the helper functions and before the per-table blocks (e.g. Citus table distribution). */
  beforeTables(config: ResolvedTenancyConfig, tables: readonly ResolvedTable[]): string[];
  /** How a unit of work sets the tenant context and switches role (used by the tenant-scoped database wrapper). */
  contextStatement(config: ResolvedTenancyConfig, values: TenantContextValues): ContextStatement;
}
