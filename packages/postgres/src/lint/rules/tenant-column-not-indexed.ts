import { hasColumn, ident, liveIsolatedTables, qualifiedIdent } from '../classify.js';
import type { Rule } from '../types.js';

/** No index on a tenant table starts with the tenant column. */
export const tenantColumnNotIndexed: Rule = {
  id: 'tenant-column-not-indexed',
  severity: 'warning',
  description: 'No index on a tenant or workspace table has the tenant column as its first key column.',
  why: "Every query the app role runs carries the policy predicate `tenant_id = (select tenancy.tenant_id())`. Without an index that leads with the tenant column that predicate is a sequential scan over all tenants' rows: each tenant pays for the size of the whole table. It is not a leak, hence a warning.",
  fix: 'Lead the primary key with the tenant column (primary key (tenant_id, id)), or create index on <table> (tenant_id, ...).',
  run(catalog, config) {
    return liveIsolatedTables(catalog, config).flatMap(({ table, relation }) => {
      if (!hasColumn(relation, table.tenantColumn)) return [];
      const leads = catalog.indexes.some(
        (i) => i.table === relation.qualifiedName && i.columns[0] === table.tenantColumn,
      );
      if (leads) return [];
      return [
        {
          object: relation.qualifiedName,
          message: `No index on ${relation.qualifiedName} starts with ${table.tenantColumn}.`,
          fix: `create index on ${qualifiedIdent(relation.qualifiedName)} (${ident(table.tenantColumn)}); or lead the primary key with ${table.tenantColumn}.`,
        },
      ];
    });
  },
};
