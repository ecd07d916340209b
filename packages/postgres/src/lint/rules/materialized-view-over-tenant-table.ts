import {
  isolatedTables,
  isolatedTablesBehind,
  listWords,
  qualifiedIdent,
  qualify,
  relationsByName,
} from '../classify.js';
import type { Rule } from '../types.js';

/** A materialized view that copies tenant rows out from under row level security. */
export const materializedViewOverTenantTable: Rule = {
  id: 'materialized-view-over-tenant-table',
  severity: 'error',
  description: 'A materialized view reads a tenant or workspace table (directly or through views).',
  why: "A materialized view stores a copy of the rows it selected when it was refreshed, and row level security cannot be enabled on it: anyone who can select from it sees every tenant's copied rows.",
  fix: 'Replace it with a view with security_invoker = true, or a tenant table the application fills (with the tenant column and policies), or revoke every privilege on it from roles that serve tenants.',
  run(catalog, config) {
    const relations = relationsByName(catalog);
    const isolated = new Set(isolatedTables(config).map((t) => qualify(t.schema, t.name)));
    return catalog.relations.flatMap((r) => {
      if (r.kind !== 'materialized-view') return [];
      const behind = isolatedTablesBehind(r, relations, isolated);
      if (behind.length === 0) return [];
      return [
        {
          object: r.qualifiedName,
          message: `Materialized view ${r.qualifiedName} copies rows of ${listWords(behind)} outside row level security.`,
          fix: `drop materialized view ${qualifiedIdent(r.qualifiedName)}; and replace it with a security_invoker view, or revoke all on it from the roles that serve tenants.`,
        },
      ];
    });
  },
};
