import { qualify, relationsByName } from '../classify.js';
import type { Rule } from '../types.js';

/** The configuration classifies a table that the database does not have. */
export const configuredTableMissing: Rule = {
  id: 'configured-table-missing',
  severity: 'error',
  description: 'The configuration classifies a tenant, workspace or global table that does not exist in the database.',
  why: 'The check is then run against a database the configuration does not describe (migrations not applied, a renamed table, the wrong database), so a clean report would mean nothing, and `tenancy apply` would fail.',
  fix: 'Run the migrations that create the table, point the check at the right database, or remove the table from tenancy.config.',
  run(catalog, config) {
    const relations = relationsByName(catalog);
    return config.tables
      .filter((t) => t.scope !== 'ignore')
      .filter((t) => {
        const r = relations.get(qualify(t.schema, t.name));
        return !r || (r.kind !== 'table' && r.kind !== 'partitioned-table');
      })
      .map((t) => ({
        object: qualify(t.schema, t.name),
        message: `${t.scope[0]!.toUpperCase()}${t.scope.slice(1)} table ${qualify(t.schema, t.name)} is in the configuration but not a table in the database.`,
      }));
  },
};
