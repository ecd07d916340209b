import { hasColumn, liveIsolatedTables } from '../classify.js';
import type { Rule } from '../types.js';

/** A primary key, unique constraint or unique index on a tenant table that leaves the tenant column out. */
export const uniqueWithoutTenantColumn: Rule = {
  id: 'unique-without-tenant-column',
  severity: 'error',
  description:
    'A primary key, unique constraint or unique index on a tenant or workspace table does not include the tenant column.',
  why: 'Uniqueness is checked across all tenants, below row level security: one tenant inserting a value another tenant already uses gets a unique violation, which tells it that the value exists elsewhere (an email, a slug, an invoice number). It also blocks composite foreign keys that keep references inside a tenant, and distributing the table by tenant (Citus).',
  fix: 'Include the tenant column: primary key (tenant_id, id), unique (tenant_id, slug).',
  run(catalog, config) {
    return liveIsolatedTables(catalog, config).flatMap(({ table, relation }) => {
      if (!hasColumn(relation, table.tenantColumn)) return [];
      const hits = [];
      for (const c of catalog.constraints) {
        if (c.table !== relation.qualifiedName || c.type === 'foreign-key') continue;
        if (c.columns.includes(table.tenantColumn)) continue;
        const kind = c.type === 'primary-key' ? 'Primary key' : 'Unique constraint';
        hits.push({
          object: `${relation.qualifiedName}.${c.name}`,
          message: `${kind} ${c.name} on ${relation.qualifiedName} (${c.columns.join(', ')}) does not include ${table.tenantColumn}.`,
          fix: `Recreate it as (${[table.tenantColumn, ...c.columns].join(', ')}).`,
        });
      }
      for (const i of catalog.indexes) {
        // Constraint-backed indexes were reported through their constraint above.
        if (i.table !== relation.qualifiedName || !i.unique || i.constraint !== null) continue;
        if (i.columns.includes(table.tenantColumn)) continue;
        const columns = i.columns.map((c) => c ?? '<expression>').join(', ');
        hits.push({
          object: `${relation.qualifiedName}.${i.name}`,
          message: `Unique index ${i.name} on ${relation.qualifiedName} (${columns}) does not include ${table.tenantColumn}.`,
          fix: `Recreate it with ${table.tenantColumn} as its first column.`,
        });
      }
      return hits;
    });
  },
};
