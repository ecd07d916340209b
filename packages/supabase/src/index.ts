// @tenancy/supabase: every public export by name. `export type` kept separate (verbatimModuleSyntax).

export type { PlatformSupabaseClientOptions } from './client/create-platform-supabase-client.js';
export { createPlatformSupabaseClient } from './client/create-platform-supabase-client.js';
// Client: the tenant's supabase-js client, the audited platform client, the tenant switch
export type {
  PassThroughClientOptions,
  TenantSupabaseClient,
  TenantSupabaseClientOptions,
} from './client/create-tenant-supabase-client.js';
export { createTenantSupabaseClient } from './client/create-tenant-supabase-client.js';
export type { SwitchActiveTenantOptions } from './client/switch-active-tenant.js';
export { switchActiveTenant } from './client/switch-active-tenant.js';
export type { TenantClientScope, TenantScopeOptions } from './client/tenant-scope.js';
// Configuration
export { defineSupabaseTenancyConfig, resolveSupabaseConfig } from './config/resolve-supabase-config.js';
export {
  ACCESS_TOKEN_HOOK_FUNCTION,
  SUPABASE_ROLES,
  SWITCH_TENANT_FUNCTION,
  TENANT_CLAIMS,
} from './config/supabase-names.js';
export type { SupabaseDialectOptions } from './config/supabase-options.js';
// SQL: the dialect, the script
export type { GenerateSupabaseSqlOptions } from './generate/generate-supabase-sql.js';
export { generateSupabaseSql } from './generate/generate-supabase-sql.js';
export { createSupabaseDialect } from './generate/supabase-dialect.js';
// Linter (`tenancy check` for Supabase)
export type { LintSupabaseDatabaseOptions } from './lint/lint-supabase-database.js';
export { lintSupabaseDatabase, supabaseRuleCatalog } from './lint/lint-supabase-database.js';
// Next.js (route handlers, server actions, server components; needs @supabase/ssr)
export type {
  SupabaseCookie,
  SupabaseCookieMethods,
  TenantSupabaseServer,
  TenantSupabaseServerClientOptions,
} from './next/create-tenant-supabase-server-client.js';
export { createTenantSupabaseServerClient } from './next/create-tenant-supabase-server-client.js';
