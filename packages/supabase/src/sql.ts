// @tenancy/supabase/sql: the SQL half (build time, CI, migrations): the Supabase dialect of the generator, the
// script, and `tenancy check` for Supabase. Needs @tenancy/postgres. Every public export by name.

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
