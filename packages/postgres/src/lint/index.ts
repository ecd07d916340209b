// The linter's public surface (`tenancy check`, `tenancy diff`); the package entry re-exports it.
export type { DiffChange, DiffDatabaseOptions, DiffReport } from './diff-database.js';
export { diffDatabase } from './diff-database.js';
export type { StateKind } from './drift/read-state.js';
export { DIFF_JSON_VERSION, formatDiff } from './format-diff.js';
export { formatLintReport, LINT_REPORT_JSON_VERSION } from './format-lint-report.js';
export type { LintDatabaseOptions } from './lint-database.js';
export { lintDatabase } from './lint-database.js';
export { ruleCatalog } from './rules/all-rules.js';
export type { Finding, LintReport, RuleMeta, Severity, SuppressedFinding } from './types.js';
