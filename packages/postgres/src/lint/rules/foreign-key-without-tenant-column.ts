import { hasColumn, isolatedTables, liveIsolatedTables, qualify } from '../classify.js';
import type { Rule } from '../types.js';

/** A foreign key between tenant tables that does not match the tenant column on both sides. */
export const foreignKeyWithoutTenantColumn: Rule = {
  id: 'foreign-key-without-tenant-column',
  severity: 'error',
  description:
    'A foreign key from a tenant or workspace table to another one does not pair the tenant column with the referenced tenant column.',
  why: "Foreign keys are checked below row level security. A key on (project_id) alone lets a row of tenant A reference a row of tenant B, and the error messages of a failing reference reveal whether another tenant's id exists. A composite key (tenant_id, project_id) -> (tenant_id, id) makes a cross-tenant reference impossible.",
  fix: 'Reference a composite key: foreign key (tenant_id, project_id) references projects (tenant_id, id).',
  run(catalog, config) {
    const isolated = new Map(isolatedTables(config).map((t) => [qualify(t.schema, t.name), t]));
    return liveIsolatedTables(catalog, config).flatMap(({ table, relation }) => {
      if (!hasColumn(relation, table.tenantColumn)) return [];
      return catalog.constraints.flatMap((c) => {
        if (c.table !== relation.qualifiedName || c.type !== 'foreign-key' || !c.references) return [];
        // A reference to a global table is the normal way to point at shared data: no tenant column there.
        const target = isolated.get(c.references.table);
        if (!target) return [];
        const at = c.columns.indexOf(table.tenantColumn);
        if (at !== -1 && c.references.columns[at] === target.tenantColumn) return [];
        return [
          {
            object: `${relation.qualifiedName}.${c.name}`,
            message: `Foreign key ${c.name} on ${relation.qualifiedName} (${c.columns.join(', ')}) -> ${c.references.table} (${c.references.columns.join(', ')}) does not pair ${table.tenantColumn} with ${target.tenantColumn}.`,
            fix: `Recreate it as foreign key (${[table.tenantColumn, ...c.columns.filter((x) => x !== table.tenantColumn)].join(', ')}) references ${c.references.table} (${[target.tenantColumn, ...c.references.columns.filter((x) => x !== target.tenantColumn)].join(', ')}), with a matching unique key on the referenced table.`,
          },
        ];
      });
    });
  },
};
