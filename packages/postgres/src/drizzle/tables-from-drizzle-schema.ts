import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import type { DiscoveredTable } from '../config/resolve-config.js';

/**
 * Lists the `pgTable` definitions a Drizzle schema module exports, with their schema and column names, so
 * `resolveConfig` can treat every table that has the tenant column as a tenant table.
 * @example
 * import * as schema from './db/schema.js';
 * const config = resolveConfig(input, { drizzleTables: tablesFromDrizzleSchema(schema) });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/rls.md#tables-from-a-drizzle-schema
 */
export function tablesFromDrizzleSchema(module: Readonly<Record<string, unknown>>): DiscoveredTable[] {
  const seen = new Map<string, DiscoveredTable>();
  for (const value of Object.values(module)) {
    // `is` compares drizzle's entity kind, not class identity, so tables built by the user's copy of drizzle count.
    if (!is(value, PgTable)) continue;
    const table = getTableConfig(value);
    const schema = table.schema ?? 'public';
    seen.set(`${schema}.${table.name}`, { schema, name: table.name, columns: table.columns.map((c) => c.name) });
  }
  return [...seen.values()];
}
