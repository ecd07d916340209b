import type { RuleMeta } from '../types.js';

/** A `lint.allow` entry that matched no finding. Reported by the suppression step, not run over the catalog. */
export const staleSuppression: RuleMeta = {
  id: 'stale-suppression',
  severity: 'warning',
  description: 'A `lint.allow` entry in tenancy.config matches no finding.',
  why: 'A suppression that no longer matches is either fixed (remove it) or mistyped (then the finding it meant to silence is still reported, or it will silently swallow a future finding on an object with that name).',
  fix: 'Remove the entry from `lint.allow`, or correct its rule id and object.',
};
