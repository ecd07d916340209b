import { sortFindings } from './sort-findings.js';
import type { Finding, LintReport, SuppressedFinding } from './types.js';

/** The version of the JSON format; bumped only when a field changes meaning or disappears. */
export const LINT_REPORT_JSON_VERSION = 1;

/**
 * Renders a lint report: `text` for people (grouped by severity, one block per finding, a summary line), `json`
 * for CI (stable field order, findings sorted by severity, rule, object, with a `version`).
 * @example
 * const report = await lintDatabase({ sql, config });
 * console.log(formatLintReport(report, process.env.CI ? 'json' : 'text'));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/linter.md#json-output
 */
export function formatLintReport(report: LintReport, format: 'text' | 'json'): string {
  return format === 'json' ? toJson(report) : toText(report);
}

function pick(f: Finding) {
  return { rule: f.rule, severity: f.severity, object: f.object, message: f.message, why: f.why, fix: f.fix };
}

function toJson(report: LintReport): string {
  const json = {
    version: LINT_REPORT_JSON_VERSION,
    errorCount: report.errorCount,
    warningCount: report.warningCount,
    suppressedCount: report.suppressed.length,
    findings: sortFindings(report.findings).map(pick),
    suppressed: sortFindings(report.suppressed).map((f: SuppressedFinding) => ({ ...pick(f), reason: f.reason })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

const WIDTH = 100;

function wrap(text: string, indent: string, firstPrefix = ''): string[] {
  const lines: string[] = [];
  let line = indent + firstPrefix;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent + ' '.repeat(firstPrefix.length) + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

function block(f: Finding, label: string): string[] {
  return [
    `${label}  ${f.rule}  ${f.object}`,
    ...wrap(f.message, '    '),
    ...wrap(f.why, '    ', 'why: '),
    ...wrap(f.fix, '    ', 'fix: '),
  ];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function toText(report: LintReport): string {
  const findings = sortFindings(report.findings);
  const errors = findings.filter((f) => f.severity === 'error');
  const warnings = findings.filter((f) => f.severity === 'warning');
  const out: string[] = [];
  if (errors.length > 0) {
    out.push(`Errors (${errors.length})`, '');
    for (const f of errors) out.push(...block(f, 'error'), '');
  }
  if (warnings.length > 0) {
    out.push(`Warnings (${warnings.length})`, '');
    for (const f of warnings) out.push(...block(f, 'warning'), '');
  }
  if (report.suppressed.length > 0) {
    out.push(`Suppressed (${report.suppressed.length})`, '');
    for (const f of sortFindings(report.suppressed)) {
      out.push(`suppressed  ${f.rule}  ${f.object}`, ...wrap(f.reason, '    ', 'reason: '));
    }
    out.push('');
  }
  const summary = [
    plural(report.errorCount, 'error'),
    plural(report.warningCount, 'warning'),
    `${report.suppressed.length} suppressed`,
  ].join(', ');
  out.push(
    report.errorCount > 0
      ? `tenancy check: ${summary}. Failing: fix the errors or suppress them with a reason in lint.allow.`
      : `tenancy check: ${summary}. Passed.`,
  );
  return `${out.join('\n')}\n`;
}
