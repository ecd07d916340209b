import { hasColumn, listWords, liveIsolatedTables } from '../classify.js';
import { guardedCommands, policiesOn, requiredCommands } from '../policy-coverage.js';
import type { Rule } from '../types.js';

/** A tenant table without the restrictive guard, or with a guard that leaves some granted command out. */
export const missingGuardPolicy: Rule = {
  id: 'missing-guard-policy',
  severity: 'error',
  description:
    'A tenant or workspace table has no RESTRICTIVE guard policy pinning the tenant column, or the guard misses a command the app role is granted.',
  why: 'Permissive policies are OR-ed together: any permissive policy added later (by a migration, an extension, a teammate) widens access across tenants. The restrictive guard is AND-ed with all of them, so it keeps every row inside the current tenant whatever else is added.',
  fix: 'Run `tenancy apply`, or create the guard by hand: create policy tenancy_tenant_guard on <table> as restrictive for all to <app role> using (<tenant column> = (select tenancy.tenant_id())) with check (<tenant column> = (select tenancy.tenant_id()));',
  run(catalog, config) {
    return liveIsolatedTables(catalog, config).flatMap(({ table, relation }) => {
      if (!hasColumn(relation, table.tenantColumn)) return [];
      const required = requiredCommands(table, relation);
      if (required.length === 0) return [];
      const guarded = guardedCommands(policiesOn(catalog.policies, relation.qualifiedName), table, config);
      const missing = required.filter((c) => !guarded.has(c));
      if (missing.length === 0) return [];
      const message =
        guarded.size === 0
          ? `${relation.qualifiedName} has no restrictive guard policy for ${catalog.appRoleName} pinning ${table.tenantColumn} to the current tenant.`
          : `The restrictive guard on ${relation.qualifiedName} does not cover ${listWords(missing.map((c) => c.toUpperCase()))}, which ${catalog.appRoleName} is granted.`;
      return [{ object: relation.qualifiedName, message }];
    });
  },
};
