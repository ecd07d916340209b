import type { Finding, LintDatabaseOptions, LintReport, RuleMeta, SuppressedFinding } from '@tenancy/postgres';
import { lintDatabase, ruleCatalog } from '@tenancy/postgres';
import { assertSupabaseConfig } from '../config/assert-supabase-config.js';
import type { SupabaseDialectOptions } from '../config/supabase-options.js';
import { resolveSupabaseOptions } from '../config/supabase-options.js';
import { generateSupabaseSql } from '../generate/generate-supabase-sql.js';
import { readSupabaseCatalog } from './read-supabase-catalog.js';
import { supabaseRules } from './supabase-rules.js';

/** Options for {@link lintSupabaseDatabase}: those of `lintDatabase` (the script comes from the dialect) and the dialect's. */
export interface LintSupabaseDatabaseOptions extends Omit<LintDatabaseOptions, 'script'>, SupabaseDialectOptions {
  /** The role PostgREST logs in with. Default `authenticator`, Supabase's. */
  loginRole?: string | undefined;
}

const SUPABASE_RULE_PREFIX = 'supabase-';
const STALE = 'stale-suppression';
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function objectMatches(pattern: string, object: string): boolean {
  if (!pattern.includes('*')) return pattern === object;
  const parts = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`).test(object);
}

// The same order as `tenancy check`: errors first, then rule, object, message by code point.
function sortFindings<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      cmp(a.rule, b.rule) ||
      cmp(a.object, b.object) ||
      cmp(a.message, b.message),
  );
}

/**
 * The description of every Supabase rule, for tooling that lists rules next to `ruleCatalog` from @tenancy/postgres.
 * @example
 * for (const rule of supabaseRuleCatalog) console.log(`${rule.id}: ${rule.description}`);
 * @see https://github.com/tenancy/tenancy/blob/main/docs/supabase.md#11-tenancy-check-on-supabase
 */
export const supabaseRuleCatalog: readonly RuleMeta[] = supabaseRules.map(
  ({ id, severity, description, why, fix }) => ({
    id,
    severity,
    description,
    why,
    fix,
  }),
);

/**
 * `tenancy check` for a Supabase project: every rule of `lintDatabase` (with the drift check against the Supabase
 * script), plus the Supabase rules: policies reading `user_metadata`, tenant tables reachable by `anon`, SECURITY
 * DEFINER functions that `anon` or `authenticated` can call. `config.lint.allow` suppresses either kind.
 * @example
 * const report = await lintSupabaseDatabase({ sql, config: resolveSupabaseConfig(input) });
 * process.stdout.write(formatLintReport(report, 'text'));
 * process.exitCode = report.errorCount > 0 ? 1 : 0;
 * @see https://github.com/tenancy/tenancy/blob/main/docs/supabase.md#11-tenancy-check-on-supabase
 */
export async function lintSupabaseDatabase(options: LintSupabaseDatabaseOptions): Promise<LintReport> {
  const { config, privateSchema, rpcSchema, ...rest } = options;
  assertSupabaseConfig(config);
  const dialectOptions = resolveSupabaseOptions(config.helperSchema, { privateSchema, rpcSchema });
  const ours = config.lint.allow.filter((a) => a.rule.startsWith(SUPABASE_RULE_PREFIX));
  const theirs = config.lint.allow.filter((a) => !a.rule.startsWith(SUPABASE_RULE_PREFIX));

  // The base linter would report our suppressions as stale: it gets only its own.
  const base = await lintDatabase({
    ...rest,
    config: { ...config, lint: { allow: theirs } },
    loginRole: options.loginRole ?? 'authenticator',
    script: generateSupabaseSql(config, { transaction: false, ...dialectOptions }),
  });

  const catalog = await readSupabaseCatalog(options.sql, config);
  const raw: Finding[] = supabaseRules.flatMap((rule) =>
    rule.run(catalog, dialectOptions).map((hit) => ({
      rule: rule.id,
      severity: rule.severity,
      object: hit.object,
      message: hit.message,
      why: rule.why,
      fix: hit.fix ?? rule.fix,
    })),
  );
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const used = new Set<(typeof ours)[number]>();
  for (const finding of raw) {
    const entry = ours.find((a) => a.rule === finding.rule && objectMatches(a.object, finding.object));
    if (entry === undefined) {
      kept.push(finding);
      continue;
    }
    used.add(entry);
    suppressed.push({ ...finding, reason: entry.reason });
  }
  const staleMeta = ruleCatalog.find((r) => r.id === STALE);
  for (const entry of ours) {
    if (used.has(entry)) continue;
    kept.push({
      rule: STALE,
      severity: 'warning',
      object: `${entry.rule}:${entry.object}`,
      message: `The lint.allow entry for rule ${entry.rule} on ${entry.object} matches no finding.`,
      why: staleMeta?.why ?? 'A suppression that matches nothing is fixed (remove it) or mistyped.',
      fix: staleMeta?.fix ?? 'Remove the entry from `lint.allow`, or correct its rule id and object.',
    });
  }
  const findings = sortFindings([...base.findings, ...kept]);
  return {
    findings,
    errorCount: findings.filter((f) => f.severity === 'error').length,
    warningCount: findings.filter((f) => f.severity === 'warning').length,
    suppressed: sortFindings([...base.suppressed, ...suppressed]),
  };
}
