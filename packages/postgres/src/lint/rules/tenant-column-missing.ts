import { liveIsolatedTables } from '../classify.js';
import type { Rule } from '../types.js';

/** A tenant or workspace table without the column its classification names. */
export const tenantColumnMissing: Rule = {
  id: 'tenant-column-missing',
  severity: 'error',
  description: 'A tenant or workspace table lacks its tenant column (or, for a workspace table, its workspace column).',
  why: 'The policies pin rows to a tenant through that column; without it they cannot be created, `tenancy apply` fails on the table, and it is left without isolation.',
  fix: 'Add the column (e.g. tenant_id uuid not null) in a migration, or correct the column name in tenancy.config.',
  run(catalog, config) {
    return liveIsolatedTables(catalog, config).flatMap(({ table, relation }) => {
      const wanted = table.scope === 'workspace' ? [table.tenantColumn, table.workspaceColumn] : [table.tenantColumn];
      const missing = wanted.filter((c) => !relation.columns.some((x) => x.name === c));
      if (missing.length === 0) return [];
      return [
        {
          object: relation.qualifiedName,
          message: `${table.scope === 'workspace' ? 'Workspace' : 'Tenant'} table ${relation.qualifiedName} has no column ${missing.join(' or ')}.`,
        },
      ];
    });
  },
};
