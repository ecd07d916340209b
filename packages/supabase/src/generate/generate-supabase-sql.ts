import type { GenerateSqlOptions, ResolvedTenancyConfig } from '@tenancy/postgres';
import { generateSql } from '@tenancy/postgres';
import type { SupabaseDialectOptions } from '../config/supabase-options.js';
import { createSupabaseDialect } from './supabase-dialect.js';

/** Options for {@link generateSupabaseSql}: the generator's options (but the dialect) and the dialect's. */
export interface GenerateSupabaseSqlOptions extends Omit<GenerateSqlOptions, 'dialect'>, SupabaseDialectOptions {}

/**
 * The complete row level security script for a Supabase project: `generateSql` with the Supabase dialect.
 * Deterministic, idempotent, one transaction; apply it as `postgres` (e.g. as a migration: `supabase db push`).
 * @example
 * import { writeFileSync } from 'node:fs';
 * const config = resolveSupabaseConfig({ tables: { projects: { scope: 'tenant' } } });
 * writeFileSync('supabase/migrations/20250101000000_tenancy.sql', generateSupabaseSql(config));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/supabase.md#what-the-script-creates
 */
export function generateSupabaseSql(config: ResolvedTenancyConfig, options: GenerateSupabaseSqlOptions = {}): string {
  const { privateSchema, rpcSchema, ...generate } = options;
  const dialect = createSupabaseDialect(config, { privateSchema, rpcSchema });
  return generateSql(config, { ...generate, dialect });
}
