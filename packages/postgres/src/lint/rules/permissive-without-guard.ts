import { listWords, liveIsolatedTables } from '../classify.js';
import { guardedCommands, policiesOn, policyCommands } from '../policy-coverage.js';
import type { Rule } from '../types.js';

/** A permissive policy for the app role on a tenant table where no restrictive guard backs it up. */
export const permissiveWithoutGuard: Rule = {
  id: 'permissive-without-guard',
  severity: 'error',
  description:
    'A permissive policy applies to the app role on a tenant or workspace table, for a command no restrictive guard covers.',
  why: "Without the guard the permissive policy alone decides which rows the app role sees; a mistake in it, or in any permissive policy added next to it, exposes other tenants' rows.",
  fix: 'Run `tenancy apply` to create the restrictive guard policy (tenancy_tenant_guard), or drop this policy.',
  run(catalog, config) {
    return liveIsolatedTables(catalog, config).flatMap(({ table, relation }) => {
      const policies = policiesOn(catalog.policies, relation.qualifiedName);
      const guarded = guardedCommands(policies, table, config);
      return policies.flatMap((p) => {
        if (!p.permissive || !p.appliesToApp) return [];
        // Only commands the role can run matter: a policy for a command it is not granted opens nothing.
        const open = policyCommands(p.command).filter((c) => relation.appPrivileges.includes(c) && !guarded.has(c));
        if (open.length === 0) return [];
        return [
          {
            object: `${relation.qualifiedName}.${p.name}`,
            message: `Permissive policy ${p.name} on ${relation.qualifiedName} applies to ${catalog.appRoleName} for ${listWords(open.map((c) => c.toUpperCase()))} with no restrictive guard behind it.`,
          },
        ];
      });
    });
  },
};
