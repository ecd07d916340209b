import type { ResolvedTenancyConfig } from '../config/index.js';
import { staleSuppression } from './rules/stale-suppression.js';
import type { Finding, SuppressedFinding } from './types.js';

type Allowance = ResolvedTenancyConfig['lint']['allow'][number];

/** True when `pattern` matches `object`; `*` in a pattern matches any run of characters. */
export function objectMatches(pattern: string, object: string): boolean {
  if (!pattern.includes('*')) return pattern === object;
  const re = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${re.join('.*')}$`).test(object);
}

/**
 * Moves the findings a `lint.allow` entry matches (same rule id, object equal or matching its `*` pattern) to
 * `suppressed` with the entry's reason; every entry that matches nothing becomes a `stale-suppression` warning.
 */
export function applySuppressions(
  findings: readonly Finding[],
  allow: readonly Allowance[],
): { findings: Finding[]; suppressed: SuppressedFinding[] } {
  const used = new Set<Allowance>();
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of findings) {
    const entry = allow.find((a) => a.rule === f.rule && objectMatches(a.object, f.object));
    if (entry) {
      used.add(entry);
      suppressed.push({ ...f, reason: entry.reason });
    } else kept.push(f);
  }
  for (const a of allow) {
    if (used.has(a)) continue;
    kept.push({
      rule: staleSuppression.id,
      severity: staleSuppression.severity,
      object: `${a.rule}:${a.object}`,
      message: `The lint.allow entry for rule ${a.rule} on ${a.object} matches no finding.`,
      why: staleSuppression.why,
      fix: staleSuppression.fix,
    });
  }
  return { findings: kept, suppressed };
}
