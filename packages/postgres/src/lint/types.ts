import type { ResolvedTenancyConfig } from '../config/index.js';
import type { CatalogSnapshot } from './read-catalog.js';

/** How bad a finding is: `error` makes `tenancy check` exit 1, `warning` is reported only. */
export type Severity = 'error' | 'warning';

/**
 * One problem the linter found on the live database.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/linter.md
 */
export interface Finding {
  /** The stable, kebab-case rule id: the JSON contract and the suppression key. */
  rule: string;
  severity: Severity;
  /** The database object the finding is about, e.g. `public.projects` or `public.projects.tenancy_tenant_guard`. */
  object: string;
  /** What is wrong with this object. */
  message: string;
  /** Why it matters for isolation. */
  why: string;
  /** How to fix it, as concretely as the linter can say. */
  fix: string;
}

/** A finding that a `lint.allow` entry moved out of the report, with the reason the entry gives. */
export interface SuppressedFinding extends Finding {
  reason: string;
}

/**
 * The result of {@link lintDatabase}: `findings` excludes suppressed ones, which are kept in `suppressed`.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/linter.md
 */
export interface LintReport {
  findings: Finding[];
  errorCount: number;
  warningCount: number;
  suppressed: SuppressedFinding[];
}

/** What a rule reports for one object; the rule's own `why` and `fix` apply unless the hit says better. */
export interface RuleHit {
  object: string;
  message: string;
  fix?: string | undefined;
}

/** The description of a rule, shared by the catalog rules and the checks that run outside them. */
export interface RuleMeta {
  /** Kebab-case and stable: it is the JSON contract and the suppression key. */
  id: string;
  severity: Severity;
  /** One line: what the rule catches. */
  description: string;
  why: string;
  fix: string;
}

/** A lint rule: a pure function of the catalog snapshot and the configuration. */
export interface Rule extends RuleMeta {
  run(catalog: CatalogSnapshot, config: ResolvedTenancyConfig): RuleHit[];
}
