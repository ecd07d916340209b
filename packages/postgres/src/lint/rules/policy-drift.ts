import type { StateChange } from '../drift/compare-state.js';
import type { StateKind } from '../drift/read-state.js';
import type { Rule, RuleHit } from '../types.js';

const WHAT: Record<StateKind, string> = {
  role: 'Role',
  membership: 'Role membership',
  schema: 'Schema',
  'schema-grant': 'Schema privileges',
  function: 'Helper function',
  'function-grant': 'Function privilege',
  table: 'Table',
  index: 'Index',
  'column-default': 'Column default',
  rls: 'Row level security',
  grant: 'Table privileges',
  trigger: 'Trigger',
  policy: 'Policy',
};

/** Live policies, RLS flags, grants, defaults or triggers that differ from what the generated SQL creates. */
export const policyDrift: Rule = {
  id: 'policy-drift',
  severity: 'error',
  description:
    'The live policies, RLS flags, privileges, tenant-column defaults, triggers or helper functions differ from what the generated SQL creates for this configuration.',
  why: 'The generated SQL is what was reviewed and tested. A policy altered by hand, a permissive policy added next to ours, FORCE switched off or a privilege granted in a hotfix changes who sees which rows without anyone reviewing it, and the next `tenancy apply` may or may not undo it.',
  fix: 'Run `tenancy diff` to see the changes, then `tenancy apply`; if a difference is intended, express it in tenancy.config or suppress it with a reason.',
  run(catalog) {
    const drift = catalog.drift;
    if (!drift) return [];
    if (!drift.ok) {
      return [
        {
          object: catalog.database,
          message: `The drift check could not run the generated SQL in a rolled-back transaction: ${drift.error}`,
          fix: 'Fix the cause above (a missing table or column, a lock held by a long transaction, a role lacking privileges to run the DDL), or run the check as the role that applies the SQL.',
        },
      ];
    }
    return drift.changes.map(toHit);
  },
};

function toHit(change: StateChange): RuleHit {
  const what = `${WHAT[change.kind]} ${change.object}`;
  switch (change.action) {
    case 'add':
      return { object: change.object, message: `${what} is missing: the generated SQL creates it as: ${change.after}` };
    case 'remove':
      return {
        object: change.object,
        message: `${what} is not part of the generated SQL: ${change.before}`,
        fix:
          change.kind === 'policy'
            ? 'Drop it, or if it is intended (e.g. a policy for another role that happens to apply to PUBLIC), suppress this finding with a reason.'
            : 'Revoke or drop it, or suppress this finding with a reason if it is intended.',
      };
    case 'change':
      return { object: change.object, message: `${what} differs: live ${change.before}; generated ${change.after}` };
  }
}
