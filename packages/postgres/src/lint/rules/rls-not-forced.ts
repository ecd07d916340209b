import { qualifiedIdent, qualify, relationsByName } from '../classify.js';
import type { Rule } from '../types.js';

/** Row level security enabled but not forced: the table owner skips every policy. */
export const rlsNotForced: Rule = {
  id: 'rls-not-forced',
  severity: 'error',
  description: 'A tenant, workspace or global table has row level security enabled but not forced.',
  why: "Without FORCE the table owner bypasses every policy. Migrations, jobs or a login role that owns the table then see and change all tenants' rows, and a view owned by it leaks them.",
  fix: 'alter table <table> force row level security; (or run `tenancy apply`)',
  run(catalog, config) {
    const relations = relationsByName(catalog);
    return config.tables.flatMap((t) => {
      if (t.scope === 'ignore') return [];
      const r = relations.get(qualify(t.schema, t.name));
      // A disabled table is rls-disabled's finding; reporting it twice would only add noise.
      if (!r?.rowSecurity || r.forceRowSecurity) return [];
      if (r.kind !== 'table' && r.kind !== 'partitioned-table') return [];
      return [
        {
          object: r.qualifiedName,
          message: `Row level security is enabled but not forced on ${t.scope} table ${r.qualifiedName}.`,
          fix: `alter table ${qualifiedIdent(r.qualifiedName)} force row level security; (or run \`tenancy apply\`)`,
        },
      ];
    });
  },
};
