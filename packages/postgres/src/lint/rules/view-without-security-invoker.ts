import {
  isolatedTables,
  isolatedTablesBehind,
  listWords,
  qualifiedIdent,
  qualify,
  relationsByName,
} from '../classify.js';
import type { Rule } from '../types.js';

/** A view over tenant tables that runs with its owner's rights. */
export const viewWithoutSecurityInvoker: Rule = {
  id: 'view-without-security-invoker',
  severity: 'error',
  description: 'A view reads a tenant or workspace table (directly or through other views) without security_invoker.',
  why: "A view checks the underlying tables' privileges and policies as the view's owner, not as the querying role. Owned by a superuser or a BYPASSRLS role it returns every tenant's rows to whoever can select from it; owned by anyone else the app role's policies do not apply to it at all.",
  fix: 'alter view <view> set (security_invoker = true);',
  run(catalog, config) {
    const relations = relationsByName(catalog);
    const isolated = new Set(isolatedTables(config).map((t) => qualify(t.schema, t.name)));
    return catalog.relations.flatMap((r) => {
      if (r.kind !== 'view' || r.securityInvoker) return [];
      const behind = isolatedTablesBehind(r, relations, isolated);
      if (behind.length === 0) return [];
      return [
        {
          object: r.qualifiedName,
          message: `View ${r.qualifiedName} reads ${listWords(behind)} without security_invoker (owner: ${r.owner}).`,
          fix: `alter view ${qualifiedIdent(r.qualifiedName)} set (security_invoker = true);`,
        },
      ];
    });
  },
};
