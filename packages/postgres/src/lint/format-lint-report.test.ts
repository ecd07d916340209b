import { describe, expect, it } from 'vitest';
import { formatLintReport } from './format-lint-report.js';
import { ruleCatalog } from './rules/all-rules.js';
import type { LintReport } from './types.js';

const report: LintReport = {
  findings: [
    { rule: 'tenant-column-not-indexed', severity: 'warning', object: 'public.b', message: 'm3', why: 'w3', fix: 'f3' },
    { rule: 'rls-not-forced', severity: 'error', object: 'public.z', message: 'm2', why: 'w2', fix: 'f2' },
    { rule: 'rls-disabled', severity: 'error', object: 'public.a', message: 'm1', why: 'w1', fix: 'f1' },
  ],
  errorCount: 2,
  warningCount: 1,
  suppressed: [
    {
      rule: 'unclassified-table',
      severity: 'error',
      object: 'public.x',
      message: 'm',
      why: 'w',
      fix: 'f',
      reason: 'legacy',
    },
  ],
};

describe('formatLintReport', () => {
  it('prints errors, then warnings, then suppressions, one block per finding, and a summary line', () => {
    expect(formatLintReport(report, 'text')).toBe(
      [
        'Errors (2)',
        '',
        'error  rls-disabled  public.a',
        '    m1',
        '    why: w1',
        '    fix: f1',
        '',
        'error  rls-not-forced  public.z',
        '    m2',
        '    why: w2',
        '    fix: f2',
        '',
        'Warnings (1)',
        '',
        'warning  tenant-column-not-indexed  public.b',
        '    m3',
        '    why: w3',
        '    fix: f3',
        '',
        'Suppressed (1)',
        '',
        'suppressed  unclassified-table  public.x',
        '    reason: legacy',
        '',
        'tenancy check: 2 errors, 1 warning, 1 suppressed. Failing: fix the errors or suppress them with a reason in lint.allow.',
        '',
      ].join('\n'),
    );
  });

  it('wraps long explanations under their label', () => {
    const long = { ...report.findings[2]!, why: 'word '.repeat(40).trim() };
    const text = formatLintReport({ ...report, findings: [long], suppressed: [] }, 'text');
    const lines = text.split('\n').filter((l) => l.includes('word'));
    expect(lines.length).toBe(3);
    expect(lines.every((l) => l.length <= 100)).toBe(true);
    expect(lines[0]!.startsWith('    why: word')).toBe(true);
    expect(lines[1]!.startsWith('         word')).toBe(true);
  });

  it('emits JSON with a version and findings sorted by severity, rule and object', () => {
    const json = JSON.parse(formatLintReport(report, 'json'));
    expect(Object.keys(json)).toEqual([
      'version',
      'errorCount',
      'warningCount',
      'suppressedCount',
      'findings',
      'suppressed',
    ]);
    expect(json.version).toBe(1);
    expect(json.findings.map((f: { rule: string }) => f.rule)).toEqual([
      'rls-disabled',
      'rls-not-forced',
      'tenant-column-not-indexed',
    ]);
    expect(Object.keys(json.findings[0])).toEqual(['rule', 'severity', 'object', 'message', 'why', 'fix']);
    expect(json.suppressed[0].reason).toBe('legacy');
  });
});

describe('ruleCatalog', () => {
  it('has unique kebab-case ids and says why and how to fix for every rule', () => {
    const ids = ruleCatalog.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of ruleCatalog) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.description.length).toBeGreaterThan(10);
      expect(rule.why.length).toBeGreaterThan(10);
      expect(rule.fix.length).toBeGreaterThan(10);
    }
    expect(ids.length).toBe(25);
  });
});
