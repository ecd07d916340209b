import type { IsolatedTable } from '../classify.js';
import { isolatedTables, listWords, qualifiedIdent, qualify } from '../classify.js';
import { COMMANDS, guardedCommands, policiesOn } from '../policy-coverage.js';
import type { CatalogRelation } from '../read-catalog.js';
import type { Rule } from '../types.js';

/** A partition or inheritance child of a tenant table that the app role can query directly, unprotected. */
export const partitionEscapesPolicies: Rule = {
  id: 'partition-escapes-policies',
  severity: 'error',
  description:
    'A partition (or inheritance child) of a tenant or workspace table is reachable by the app role directly and lacks its own forced row level security and guard.',
  why: "Policies are checked on the table named in the query. Through the parent, the parent's policies apply; queried by its own name, a partition applies only its own policies, and a partition without row level security hands out every tenant's rows in it.",
  fix: "Revoke the app role's privileges on the partition (grants on the parent are all it needs), or classify it as a tenant table so `tenancy apply` gives it its own policies.",
  run(catalog, config) {
    const isolated = new Map(isolatedTables(config).map((t) => [qualify(t.schema, t.name), t]));
    const relations = new Map(catalog.relations.map((r) => [r.qualifiedName, r]));
    const rootOf = (r: CatalogRelation): IsolatedTable | undefined => {
      const seen = new Set<string>();
      const queue = [...r.parents];
      while (queue.length > 0) {
        const name = queue.shift()!;
        if (seen.has(name)) continue;
        seen.add(name);
        const table = isolated.get(name);
        if (table) return table;
        queue.push(...(relations.get(name)?.parents ?? []));
      }
      return undefined;
    };
    return catalog.relations.flatMap((r) => {
      if (r.parents.length === 0 || isolated.has(r.qualifiedName)) return [];
      const root = rootOf(r);
      if (!root) return [];
      const reachable = COMMANDS.filter((c) => r.appPrivileges.includes(c));
      if (reachable.length === 0) return [];
      const gaps: string[] = [];
      if (!r.rowSecurity) gaps.push('row level security is disabled');
      else if (!r.forceRowSecurity) gaps.push('row level security is not forced');
      const guarded = guardedCommands(policiesOn(catalog.policies, r.qualifiedName), root, config);
      const unguarded = reachable.filter((c) => !guarded.has(c));
      if (unguarded.length > 0)
        gaps.push(`no restrictive guard covers ${listWords(unguarded.map((c) => c.toUpperCase()))}`);
      if (gaps.length === 0) return [];
      const parent = qualify(root.schema, root.name);
      return [
        {
          object: r.qualifiedName,
          message: `${r.qualifiedName} is a child of ${parent}; ${catalog.appRoleName} can ${listWords(reachable.map((c) => c.toUpperCase()))} it directly and ${listWords(gaps)}.`,
          fix: `revoke all on ${qualifiedIdent(r.qualifiedName)} from ${catalog.appRoleName}, public; (query through ${parent}) or classify ${r.qualifiedName} as a tenant table and run \`tenancy apply\`.`,
        },
      ];
    });
  },
};
