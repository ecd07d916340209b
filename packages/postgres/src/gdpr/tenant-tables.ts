import { TenancyError } from '@tenancy/core';
import type postgres from 'postgres';
import type { ResolvedTenancyConfig } from '../config/config-types.js';

/** A table holding tenant rows, with the column that says which tenant a row belongs to. */
export interface TenantTableRef {
  readonly schema: string;
  readonly name: string;
  readonly tenantColumn: string;
}

/** `schema.name`, the key used in counts and export lines. */
export function tableKey(table: Pick<TenantTableRef, 'schema' | 'name'>): string {
  return `${table.schema}.${table.name}`;
}

/** Every tenant and workspace table of the config (foundation tables included when `foundation` is on). */
export function configuredTenantTables(config: Pick<ResolvedTenancyConfig, 'tables'>): TenantTableRef[] {
  return config.tables.flatMap((t) =>
    t.scope === 'tenant' || t.scope === 'workspace'
      ? [{ schema: t.schema, name: t.name, tenantColumn: t.tenantColumn }]
      : [],
  );
}

/**
 * Sorts tables so that every table comes after the tables it references (parents first), from the foreign keys in
 * `pg_constraint`. Ties keep `schema.name` order, so the result is the same on every run. Self references are
 * ignored; a reference cycle is broken at the table that sorts first (erasure defers deferrable constraints for
 * that case). A configured table that does not exist is `DATABASE_ERROR`: an erasure must not skip anything quietly.
 */
export async function inDependencyOrder<T extends Pick<TenantTableRef, 'schema' | 'name'>>(
  sql: postgres.Sql | postgres.TransactionSql,
  tables: readonly T[],
): Promise<T[]> {
  if (tables.length === 0) return [];
  const keys = tables.map(tableKey);
  const existing = await sql<Array<{ key: string }>>`
    select n.nspname || '.' || c.relname as key from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname || '.' || c.relname = any(${keys}) and c.relkind in ('r', 'p')`;
  const found = new Set(existing.map((r) => r.key));
  const missing = keys.filter((key) => !found.has(key));
  if (missing.length > 0) {
    throw new TenancyError('DATABASE_ERROR', `Configured tenant tables do not exist: ${missing.join(', ')}.`, {
      details: { missing },
    });
  }
  const edges = await sql<Array<{ child: string; parent: string }>>`
    select cn.nspname || '.' || cc.relname as child, pn.nspname || '.' || pc.relname as parent
    from pg_catalog.pg_constraint k
    join pg_catalog.pg_class cc on cc.oid = k.conrelid join pg_catalog.pg_namespace cn on cn.oid = cc.relnamespace
    join pg_catalog.pg_class pc on pc.oid = k.confrelid join pg_catalog.pg_namespace pn on pn.oid = pc.relnamespace
    where k.contype = 'f' and k.conrelid <> k.confrelid
      and cn.nspname || '.' || cc.relname = any(${keys}) and pn.nspname || '.' || pc.relname = any(${keys})`;
  return topologicalOrder(tables, edges);
}

/** Kahn's algorithm with a sorted ready set; exported for the unit test. */
export function topologicalOrder<T extends Pick<TenantTableRef, 'schema' | 'name'>>(
  tables: readonly T[],
  edges: ReadonlyArray<{ child: string; parent: string }>,
): T[] {
  const byKey = new Map(tables.map((t) => [tableKey(t), t]));
  const parents = new Map<string, Set<string>>([...byKey.keys()].map((k) => [k, new Set()]));
  for (const { child, parent } of edges) {
    if (child !== parent && byKey.has(child) && byKey.has(parent)) parents.get(child)?.add(parent);
  }
  const order: T[] = [];
  const done = new Set<string>();
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  while (done.size < byKey.size) {
    const pending = [...byKey.keys()].filter((k) => !done.has(k)).sort(byName);
    const ready = pending.filter((k) => [...(parents.get(k) ?? [])].every((p) => done.has(p)));
    // A cycle: take the first pending table anyway, so the walk ends.
    const next = ready[0] ?? pending[0];
    if (next === undefined) break;
    done.add(next);
    const table = byKey.get(next);
    if (table !== undefined) order.push(table);
  }
  return order;
}
