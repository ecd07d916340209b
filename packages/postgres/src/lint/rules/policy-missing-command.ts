import { listWords, liveIsolatedTables } from '../classify.js';
import { COMMANDS, permittedCommands, policiesOn } from '../policy-coverage.js';
import type { Rule } from '../types.js';

/** The app role is granted a command on a tenant table that no permissive policy lets through. */
export const policyMissingCommand: Rule = {
  id: 'policy-missing-command',
  severity: 'warning',
  description: 'The app role is granted a command on a tenant or workspace table that no permissive policy allows.',
  why: 'Row level security fails closed: a granted command without a permissive policy silently matches no rows (UPDATE and DELETE affect nothing, INSERT is refused). Nothing leaks, but the application breaks in a way that looks like missing data, and the grant and the policies disagree about what the table is for.',
  fix: 'Run `tenancy apply` so the policies match the configured grants, or revoke the privilege if the app role should not have it.',
  run(catalog, config) {
    return liveIsolatedTables(catalog, config).flatMap(({ relation }) => {
      const permitted = permittedCommands(policiesOn(catalog.policies, relation.qualifiedName));
      const missing = COMMANDS.filter((c) => relation.appPrivileges.includes(c) && !permitted.has(c));
      if (missing.length === 0) return [];
      return [
        {
          object: relation.qualifiedName,
          message: `${catalog.appRoleName} is granted ${listWords(missing.map((c) => c.toUpperCase()))} on ${relation.qualifiedName} but no permissive policy allows ${missing.length === 1 ? 'it' : 'them'}.`,
        },
      ];
    });
  },
};
