import { qualifiedIdent, qualify, relationsByName } from '../classify.js';
import type { Rule } from '../types.js';

/** A tenant, workspace or global table with row level security disabled. */
export const rlsDisabled: Rule = {
  id: 'rls-disabled',
  severity: 'error',
  description: 'A tenant, workspace or global table has row level security disabled.',
  why: "Without row level security PostgreSQL ignores every policy on the table: the app role reads and writes all tenants' rows.",
  fix: 'alter table <table> enable row level security; (or run `tenancy apply`)',
  run(catalog, config) {
    const relations = relationsByName(catalog);
    return config.tables.flatMap((t) => {
      if (t.scope === 'ignore') return [];
      const r = relations.get(qualify(t.schema, t.name));
      if (!r || r.rowSecurity || (r.kind !== 'table' && r.kind !== 'partitioned-table')) return [];
      return [
        {
          object: r.qualifiedName,
          message: `Row level security is disabled on ${t.scope} table ${r.qualifiedName}.`,
          fix: `alter table ${qualifiedIdent(r.qualifiedName)} enable row level security; alter table ${qualifiedIdent(r.qualifiedName)} force row level security; (or run \`tenancy apply\`)`,
        },
      ];
    });
  },
};
