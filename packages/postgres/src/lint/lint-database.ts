import type postgres from 'postgres';
import type { ResolvedTenancyConfig } from '../config/index.js';
import { generateSql } from '../generate/index.js';
import { computeDrift } from './drift/compute-drift.js';
import { readCatalog } from './read-catalog.js';
import { lintRules } from './rules/all-rules.js';
import { sortFindings } from './sort-findings.js';
import { applySuppressions } from './suppress.js';
import type { Finding, LintReport } from './types.js';

/** Options for {@link lintDatabase}. */
export interface LintDatabaseOptions {
  /** A connection to the live database, as a role that may run the generated DDL (for the drift check). */
  sql: postgres.Sql;
  config: ResolvedTenancyConfig;
  /** The role the application logs in with; default: the role `sql` is connected as (`current_user`). */
  loginRole?: string | undefined;
  /** The SQL to compare the live database with; default: `generateSql(config)`. */
  script?: string | undefined;
  /**
   * Run the drift check (default true). It runs the generated SQL in a transaction that is rolled back, so it
   * briefly takes the locks that DDL takes on the managed tables.
   */
  drift?: boolean | undefined;
  /** How long the drift check waits for a lock (PostgreSQL interval), default `'5s'`. */
  lockTimeout?: string | undefined;
}

/**
 * Lints the live database for isolation mistakes: every rule over one catalog snapshot, then the suppressions
 * from `config.lint.allow`. `tenancy check` exits 1 when `errorCount > 0`.
 * @example
 * const report = await lintDatabase({ sql, config });
 * process.stdout.write(formatLintReport(report, 'text'));
 * process.exitCode = report.errorCount > 0 ? 1 : 0;
 * @see https://github.com/tenancy/tenancy/blob/main/docs/linter.md
 */
export async function lintDatabase(options: LintDatabaseOptions): Promise<LintReport> {
  const { sql, config } = options;
  const catalog = await readCatalog({
    sql,
    appRole: config.roles.app,
    platformRole: config.roles.platform,
    loginRole: options.loginRole,
  });
  if (options.drift ?? true) {
    let script: string | undefined;
    try {
      script = options.script ?? generateSql(config, { transaction: false });
    } catch (e) {
      // A config the generator refuses (e.g. the supabase dialect without its dialect module) is reported as a
      // drift finding like any other reason the comparison could not run, so the other rules still report.
      catalog.drift = { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    if (script !== undefined) {
      catalog.drift = await computeDrift({ sql, config, script, lockTimeout: options.lockTimeout });
    }
  }
  const raw: Finding[] = lintRules.flatMap((rule) =>
    rule.run(catalog, config).map((hit) => ({
      rule: rule.id,
      severity: rule.severity,
      object: hit.object,
      message: hit.message,
      why: rule.why,
      fix: hit.fix ?? rule.fix,
    })),
  );
  const { findings, suppressed } = applySuppressions(raw, config.lint.allow);
  const sorted = sortFindings(findings);
  return {
    findings: sorted,
    errorCount: sorted.filter((f) => f.severity === 'error').length,
    warningCount: sorted.filter((f) => f.severity === 'warning').length,
    suppressed: sortFindings(suppressed),
  };
}
