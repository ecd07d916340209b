import { describe, expect, it } from 'vitest';
import { applySuppressions, objectMatches } from './suppress.js';
import type { Finding } from './types.js';

const finding = (rule: string, object: string): Finding => ({
  rule,
  severity: 'error',
  object,
  message: `${rule} on ${object}`,
  why: 'why',
  fix: 'fix',
});

describe('objectMatches', () => {
  it('matches exactly, or with * as a wildcard and nothing else special', () => {
    expect(objectMatches('public.a', 'public.a')).toBe(true);
    expect(objectMatches('public.a', 'public.ab')).toBe(false);
    expect(objectMatches('public.legacy_*', 'public.legacy_users')).toBe(true);
    expect(objectMatches('public.*', 'other.x')).toBe(false);
    expect(objectMatches('public.a+b', 'public.aab')).toBe(false);
  });
});

describe('applySuppressions', () => {
  it('moves matching findings to suppressed with the reason, keeps the rest, reports unused entries', () => {
    const out = applySuppressions(
      [
        finding('rls-disabled', 'public.a'),
        finding('rls-disabled', 'public.b'),
        finding('unclassified-table', 'public.a'),
      ],
      [
        { rule: 'rls-disabled', object: 'public.a', reason: 'reason a' },
        { rule: 'always-true-policy', object: 'public.a.p', reason: 'gone' },
      ],
    );
    expect(out.suppressed.map((f) => [f.rule, f.object, f.reason])).toEqual([['rls-disabled', 'public.a', 'reason a']]);
    expect(out.findings.map((f) => [f.rule, f.severity, f.object])).toEqual([
      ['rls-disabled', 'error', 'public.b'],
      ['unclassified-table', 'error', 'public.a'],
      ['stale-suppression', 'warning', 'always-true-policy:public.a.p'],
    ]);
  });

  it('needs the rule id to match, not just the object', () => {
    const out = applySuppressions(
      [finding('rls-disabled', 'public.a')],
      [{ rule: 'rls-not-forced', object: 'public.a', reason: 'r' }],
    );
    expect(out.suppressed).toEqual([]);
    expect(out.findings.map((f) => f.rule)).toEqual(['rls-disabled', 'stale-suppression']);
  });
});
