import { configuredTables, ident, qualifiedIdent } from '../classify.js';
import { isAlwaysTrue } from '../expression.js';
import type { Rule } from '../types.js';

/** A permissive policy for the app role (or PUBLIC) whose condition is always true. */
export const alwaysTruePolicy: Rule = {
  id: 'always-true-policy',
  severity: 'error',
  description:
    'A permissive policy that applies to the app role or PUBLIC is always true (e.g. `using (true)`, `(1 = 1)`) on a tenant or workspace table, or allows writes on a global table.',
  why: "An always-true permissive policy lets the app role read or write every tenant's rows; only the restrictive guard, if present and complete, still stands between tenants. On a global table it lets any tenant change shared data. (The platform role's `using (true)` policy is intended and not reported: it applies to the platform role only.)",
  fix: 'Drop the policy, or scope it to the tenant: using (<tenant column> = (select tenancy.tenant_id())).',
  run(catalog, config) {
    const tables = configuredTables(config);
    return catalog.policies.flatMap((p) => {
      if (!p.permissive || !p.appliesToApp) return [];
      const table = tables.get(p.table);
      if (!table || table.scope === 'ignore') return [];
      // A global table is meant to be readable by everyone: `for select using (true)` is its contract.
      if (table.scope === 'global' && p.command === 'select') return [];
      const parts: string[] = [];
      if (p.using !== null && isAlwaysTrue(p.using)) parts.push(`USING (${p.using})`);
      if (p.withCheck !== null && isAlwaysTrue(p.withCheck)) parts.push(`WITH CHECK (${p.withCheck})`);
      if (parts.length === 0) return [];
      const to = p.roles.join(', ');
      return [
        {
          object: `${p.table}.${p.name}`,
          message: `Permissive policy ${p.name} on ${table.scope} table ${p.table} (for ${p.command}, to ${to}) is always true: ${parts.join(', ')}.`,
          fix: `drop policy ${ident(p.name)} on ${qualifiedIdent(p.table)}; or scope it to the current tenant.`,
        },
      ];
    });
  },
};
