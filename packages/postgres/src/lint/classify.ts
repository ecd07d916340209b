import type { ResolvedTable, ResolvedTenancyConfig } from '../config/index.js';
import type { CatalogRelation, CatalogSnapshot } from './read-catalog.js';

/** A table whose rows belong to one tenant (tenant or workspace scope). */
export type IsolatedTable = Extract<ResolvedTable, { scope: 'tenant' | 'workspace' }>;

/** `schema.name`, the way findings name tables. */
export function qualify(schema: string, name: string): string {
  return `${schema}.${name}`;
}

/** The configured tables by qualified name. */
export function configuredTables(config: ResolvedTenancyConfig): Map<string, ResolvedTable> {
  return new Map(config.tables.map((t) => [qualify(t.schema, t.name), t]));
}

/** The tenant- and workspace-scoped tables of the configuration. */
export function isolatedTables(config: ResolvedTenancyConfig): IsolatedTable[] {
  return config.tables.filter((t): t is IsolatedTable => t.scope === 'tenant' || t.scope === 'workspace');
}

/** The live relations by qualified name. */
export function relationsByName(catalog: CatalogSnapshot): Map<string, CatalogRelation> {
  return new Map(catalog.relations.map((r) => [r.qualifiedName, r]));
}

/** Each isolated table of the configuration paired with its live relation, when it exists. */
export function liveIsolatedTables(
  catalog: CatalogSnapshot,
  config: ResolvedTenancyConfig,
): Array<{ table: IsolatedTable; relation: CatalogRelation }> {
  const relations = relationsByName(catalog);
  const out: Array<{ table: IsolatedTable; relation: CatalogRelation }> = [];
  for (const table of isolatedTables(config)) {
    const relation = relations.get(qualify(table.schema, table.name));
    if (relation && (relation.kind === 'table' || relation.kind === 'partitioned-table')) out.push({ table, relation });
  }
  return out;
}

/** True when the relation has the column. */
export function hasColumn(relation: CatalogRelation, column: string): boolean {
  return relation.columns.some((c) => c.name === column);
}

/**
 * The relations `start` reads from, directly or through other views, that are tenant or workspace tables.
 * A view over a view over a tenant table exposes that table just the same.
 */
export function isolatedTablesBehind(
  start: CatalogRelation,
  relations: Map<string, CatalogRelation>,
  isolated: Set<string>,
): string[] {
  const found = new Set<string>();
  const seen = new Set<string>([start.qualifiedName]);
  const queue = [...start.dependsOn];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    if (isolated.has(name)) found.add(name);
    const next = relations.get(name);
    if (next && (next.kind === 'view' || next.kind === 'materialized-view')) queue.push(...next.dependsOn);
  }
  return [...found].sort();
}

/** `a, b and c`, for messages. */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** Quotes an identifier for the SQL in a `fix`, only when it needs it. */
export function ident(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** `schema.table` quoted for SQL. */
export function qualifiedIdent(qualifiedName: string): string {
  const dot = qualifiedName.indexOf('.');
  return `${ident(qualifiedName.slice(0, dot))}.${ident(qualifiedName.slice(dot + 1))}`;
}
