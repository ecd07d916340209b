/** A data-modifying command the app role can be granted on a table. */
export type Command = 'select' | 'insert' | 'update' | 'delete';

/** The SQL dialect the generator targets. `supabase` is implemented by `@tenancy/supabase`. */
export type TenancyDialectName = 'postgres' | 'citus' | 'supabase';

/** The SQL type of the tenant column (and of `tenancy.tenant_id()`). */
export type TenantColumnType = 'uuid' | 'text' | 'bigint';

/** A table whose rows belong to one tenant. */
export interface TenantTableInput {
  scope: 'tenant';
  /** Overrides the config-wide `tenantColumn` for this table. */
  tenantColumn?: string | undefined;
  /** Commands the app role may run on the table (default: all four). */
  grants?: readonly Command[] | undefined;
  /** A permission `tenancy.has_permission()` must grant for a command (needs `foundation: true`). */
  permissions?: Partial<Record<Command, string>> | undefined;
}

/** A table whose rows belong to one workspace of one tenant. */
export interface WorkspaceTableInput {
  scope: 'workspace';
  /** The column holding the workspace id (compared with `tenancy.workspace_id()`). */
  workspaceColumn: string;
  tenantColumn?: string | undefined;
  grants?: readonly Command[] | undefined;
  permissions?: Partial<Record<Command, string>> | undefined;
}

/** A shared reference table: readable by every tenant, writable only by the platform role. */
export interface GlobalTableInput {
  scope: 'global';
}

/** A table tenancy deliberately leaves alone (the linter stops reporting it as unclassified). */
export interface IgnoredTableInput {
  scope: 'ignore';
  /** Why the table is left alone, for the next reader. */
  reason?: string | undefined;
}

/** How one table is classified in the config. */
export type TableInput = TenantTableInput | WorkspaceTableInput | GlobalTableInput | IgnoredTableInput;

/** A linter finding the team accepted, with the reason. */
export interface LintAllowance {
  /** The rule id, e.g. `composite-keys`. */
  rule: string;
  /** The object the finding is about, e.g. `public.audit_log`. */
  object: string;
  /** Why this is acceptable. Required: a suppression without a reason is a finding of its own. */
  reason: string;
}

/** What a user writes in `tenancy.config.ts` (every field but `tables` is optional). */
export interface TenancyConfigInput {
  /** JSON schema reference for editors; ignored. */
  $schema?: string | undefined;
  /** Default `postgres`. */
  dialect?: TenancyDialectName | undefined;
  /** Default `tenant_id`. */
  tenantColumn?: string | undefined;
  /** Default `uuid`. */
  tenantColumnType?: TenantColumnType | undefined;
  /** Names of the transaction-local settings; defaults `tenancy.tenant_id`, `tenancy.user_id`, `tenancy.workspace_id`. */
  settings?:
    | { tenantId?: string | undefined; userId?: string | undefined; workspaceId?: string | undefined }
    | undefined;
  /** Names of the runtime roles; defaults `tenancy_app`, `tenancy_platform`. */
  roles?: { app?: string | undefined; platform?: string | undefined } | undefined;
  /** Schema of the helper functions (and the foundation tables). Default `tenancy`. */
  helperSchema?: string | undefined;
  /** Schemas whose tables must all be classified. Default `['public']`. */
  schemas?: readonly string[] | undefined;
  /** Include the foundation schema (memberships, roles, ...) and `tenancy.has_permission()`. Default `false`. */
  foundation?: boolean | undefined;
  /** Path (relative to the config file) of a module exporting Drizzle `pgTable` definitions. */
  drizzleSchema?: string | undefined;
  /** `'projects'` or `'schema.projects'` -> classification. Unqualified names belong to the first of `schemas`. */
  tables?: Record<string, TableInput> | undefined;
  lint?: { allow?: readonly LintAllowance[] | undefined } | undefined;
}

/** A tenant table after defaults are applied. */
export interface ResolvedTenantTable {
  schema: string;
  name: string;
  scope: 'tenant';
  tenantColumn: string;
  grants: Command[];
  permissions: Partial<Record<Command, string>>;
}

/** A workspace table after defaults are applied. */
export interface ResolvedWorkspaceTable {
  schema: string;
  name: string;
  scope: 'workspace';
  tenantColumn: string;
  workspaceColumn: string;
  grants: Command[];
  permissions: Partial<Record<Command, string>>;
}

/** A global table after defaults are applied. */
export interface ResolvedGlobalTable {
  schema: string;
  name: string;
  scope: 'global';
}

/** An ignored table after defaults are applied. */
export interface ResolvedIgnoredTable {
  schema: string;
  name: string;
  scope: 'ignore';
  reason?: string | undefined;
}

/** One table of the resolved config. */
export type ResolvedTable = ResolvedTenantTable | ResolvedWorkspaceTable | ResolvedGlobalTable | ResolvedIgnoredTable;

/** The config with every default applied: what the generator, the linter and the CLI work from. */
export interface ResolvedTenancyConfig {
  dialect: TenancyDialectName;
  tenantColumn: string;
  tenantColumnType: TenantColumnType;
  settings: { tenantId: string; userId: string; workspaceId: string };
  roles: { app: string; platform: string };
  helperSchema: string;
  /** Sorted; includes `helperSchema` when `foundation` is true. */
  schemas: string[];
  foundation: boolean;
  /** Sorted by schema, then name; includes the foundation tables when `foundation` is true. */
  tables: ResolvedTable[];
  lint: { allow: LintAllowance[] };
  /** The config file the config came from, as shown in the SQL header. */
  source?: string | undefined;
}

/** The four commands, in the order the generator emits them. */
export const COMMANDS: readonly Command[] = ['select', 'insert', 'update', 'delete'];
