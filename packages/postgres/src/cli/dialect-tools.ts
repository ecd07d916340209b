import { TenancyError } from '@tenancy/core';
import type { ResolvedTenancyConfig } from '../config/config-types.js';
import type { Dialect } from '../generate/dialects/dialect.js';
import { dialectFor } from '../generate/generate-sql.js';
import type { LintDatabaseOptions } from '../lint/lint-database.js';
import { lintDatabase } from '../lint/lint-database.js';
import type { LintReport } from '../lint/types.js';

/** What the CLI needs from a dialect: the generator's dialect object and the linter that knows its rules. */
export interface DialectTools {
  readonly dialect: Dialect;
  lint(options: LintDatabaseOptions): Promise<LintReport>;
}

// The part of `@tenancy/supabase/sql` the CLI uses. Typed here rather than imported: @tenancy/supabase depends on this
// package, so a static import would make the dependency circular; the CLI loads it only for `dialect: 'supabase'`.
interface SupabaseSqlModule {
  createSupabaseDialect(config: ResolvedTenancyConfig): Dialect;
  lintSupabaseDatabase(options: LintDatabaseOptions): Promise<LintReport>;
}

const SUPABASE_SQL = '@tenancy/supabase/sql';

/** The dialect and linter for `config.dialect`; `supabase` is loaded from @tenancy/supabase when it is installed. */
export async function dialectTools(config: ResolvedTenancyConfig): Promise<DialectTools> {
  if (config.dialect !== 'supabase') return { dialect: dialectFor(config), lint: lintDatabase };
  let mod: SupabaseSqlModule;
  try {
    mod = (await import(SUPABASE_SQL)) as SupabaseSqlModule;
  } catch (error) {
    throw new TenancyError(
      'INVALID_CONFIG',
      'The config says dialect "supabase": install @tenancy/supabase next to @tenancy/postgres (it provides the dialect).',
      { details: { path: ['dialect'] }, cause: error },
    );
  }
  return { dialect: mod.createSupabaseDialect(config), lint: (options) => mod.lintSupabaseDatabase(options) };
}
