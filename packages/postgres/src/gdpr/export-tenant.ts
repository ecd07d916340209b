import { TenancyError } from '@tenancy/core';
import type postgres from 'postgres';
import { z } from 'zod';
import type { ResolvedTenancyConfig } from '../config/config-types.js';
import { toTenancyError } from '../foundation/database-error.js';
import { defaultFoundationConfig, enterPlatform } from '../foundation/platform-transaction.js';
import { parseInput, uuidSchema } from '../lifecycle/lifecycle-input.js';
import type { TenantTableRef } from './tenant-tables.js';
import { configuredTenantTables, inDependencyOrder, tableKey } from './tenant-tables.js';

/** Progress of an export, reported after every batch of rows and at the end of every table. */
export interface ExportProgress {
  /** The table being read, `schema.name`. */
  table: string;
  /** Rows of this table written so far, and how many it has. */
  tableRows: number;
  tableTotal: number;
  /** Rows of all tables written so far, and how many there are. */
  rows: number;
  total: number;
  /** Tables finished, and how many there are. */
  tablesDone: number;
  tablesTotal: number;
}

/** Options for {@link exportTenant}. */
export interface ExportTenantOptions {
  /** A postgres.js client connected as the login role, which must be granted the platform role. */
  sql: postgres.Sql;
  /** The resolved config: every tenant and workspace table in it is exported. Default: defaults with `foundation: true`. */
  config?: ResolvedTenancyConfig | undefined;
  tenantId: string;
  /** `ndjson` (default): one JSON document per line. `json`: one document, still written as it is read. */
  format?: 'ndjson' | 'json' | undefined;
  /** Called as rows are written. Must not throw. */
  onProgress?: ((progress: ExportProgress) => void) | undefined;
  /** Rows fetched per round trip (cursor batch). Default 1,000. */
  batchSize?: number | undefined;
}

/** The first line of an NDJSON export (`manifest` in a JSON export). */
export interface ExportManifest {
  type: 'manifest';
  format: 'tenancy-export';
  version: 1;
  tenantId: string;
  exportedAt: string;
  /** Every exported table in dependency order (parents first: importing in this order satisfies foreign keys). */
  tables: Array<{ table: string; rows: number }>;
}

/** The last line of an NDJSON export (`trailer` in a JSON export): what was actually written. */
export interface ExportTrailer {
  type: 'trailer';
  rows: number;
  counts: Record<string, number>;
}

const schema = z.object({
  tenantId: uuidSchema,
  format: z.enum(['ndjson', 'json']).optional(),
  batchSize: z.int().min(1).max(100_000).optional(),
});

interface ExportTable extends TenantTableRef {
  /** Rows are selected by `where <tenantColumn> = tenant` unless a custom filter applies (users: members only). */
  readonly members?: boolean;
}

/**
 * Streams everything a tenant owns as a web `ReadableStream` of UTF-8 bytes: every tenant and workspace table of the
 * config (your tables and the foundation's) in foreign-key order, parents first, plus the users who are members of
 * the tenant when the foundation is on. Read through cursors in one repeatable-read, read-only transaction as the
 * platform role, so memory stays flat whatever the tenant's size and the archive is one consistent snapshot. Pulled:
 * nothing is read ahead of the consumer by more than a batch; cancelling the stream ends the transaction.
 *
 * NDJSON lines: a manifest (`{"type":"manifest",...,"tables":[{"table","rows"}]}`), then `{"table":"schema.name",
 * "row":{...}}` per row, then a trailer with the counts written. JSON: `{"manifest":...,"data":{"schema.name":[...]},
 * "trailer":...}`. Rows are PostgreSQL's own `row_to_json`, so timestamps, numerics and bytea keep their text forms.
 * @example
 * const stream = exportTenant({ sql, config, tenantId, onProgress: (p) => console.log(p.rows, '/', p.total) });
 * await stream.pipeTo(Writable.toWeb(createWriteStream(`${tenantId}.ndjson`)));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/gdpr.md#export
 */
export function exportTenant(options: ExportTenantOptions): ReadableStream<Uint8Array> {
  const data = parseInput(
    schema,
    { tenantId: options.tenantId, format: options.format, batchSize: options.batchSize },
    'exportTenant',
  );
  const config = options.config ?? defaultFoundationConfig();
  const format = data.format ?? 'ndjson';
  const batchSize = data.batchSize ?? 1000;
  const encoder = new TextEncoder();
  const source = exportLines(options.sql, config, data.tenantId, format, batchSize, options.onProgress);
  // highWaterMark 0: a chunk is produced only when the consumer asks for one, so a slow reader slows the cursor down.
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await source.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (error) {
          controller.error(toTenancyError(error, 'exportTenant'));
        }
      },
      async cancel() {
        await source.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

async function* exportLines(
  sql: postgres.Sql,
  config: ResolvedTenancyConfig,
  tenantId: string,
  format: 'ndjson' | 'json',
  batchSize: number,
  onProgress: ExportTenantOptions['onProgress'],
): AsyncGenerator<string, void, undefined> {
  const reserved = await sql.reserve();
  let open = false;
  try {
    await reserved`begin isolation level repeatable read read only`;
    open = true;
    await enterPlatform(reserved, config, { tenantId });
    const candidates: ExportTable[] = configuredTenantTables(config);
    if (config.foundation) {
      const [tenant] = await reserved`select 1 from ${reserved(config.helperSchema)}.tenants where id = ${tenantId}`;
      if (tenant === undefined) throw new TenancyError('TENANT_NOT_FOUND', 'No tenant with this id.');
      candidates.push({ schema: config.helperSchema, name: 'users', tenantColumn: 'id', members: true });
    }
    const tables = await inDependencyOrder(reserved, candidates);

    const from = (table: ExportTable) =>
      table.members === true
        ? reserved`${reserved(table.schema)}.${reserved(table.name)} t where t.id in (
            select m.user_id from ${reserved(config.helperSchema)}.memberships m where m.tenant_id = ${tenantId})`
        : reserved`${reserved(table.schema)}.${reserved(table.name)} t where t.${reserved(table.tenantColumn)} = ${tenantId}`;

    const totals: Array<{ table: string; rows: number }> = [];
    for (const table of tables) {
      const [row] = await reserved<Array<{ n: number }>>`select count(*)::int as n from ${from(table)}`;
      totals.push({ table: tableKey(table), rows: row?.n ?? 0 });
    }
    const total = totals.reduce((sum, t) => sum + t.rows, 0);
    const manifest: ExportManifest = {
      type: 'manifest',
      format: 'tenancy-export',
      version: 1,
      tenantId,
      exportedAt: new Date().toISOString(),
      tables: totals,
    };
    yield format === 'ndjson' ? `${JSON.stringify(manifest)}\n` : `{"manifest":${JSON.stringify(manifest)},"data":{`;

    const counts: Record<string, number> = {};
    let rows = 0;
    for (const [index, table] of tables.entries()) {
      const key = tableKey(table);
      const tableTotal = totals[index]?.rows ?? 0;
      const keyJson = JSON.stringify(key);
      let tableRows = 0;
      if (format === 'json') yield `${index === 0 ? '' : ','}${keyJson}:[`;
      const order = await primaryKeyColumns(reserved, table);
      const orderBy = order.length === 0 ? reserved`` : reserved`order by ${reserved(order)}`;
      // row_to_json in the database: exact text forms for every type, and no per-column work in JS.
      const cursor = reserved<
        Array<{ r: string }>
      >`select row_to_json(t)::text as r from ${from(table)} ${orderBy}`.cursor(batchSize);
      for await (const batch of cursor) {
        let chunk = '';
        for (const { r } of batch) {
          chunk += format === 'ndjson' ? `{"table":${keyJson},"row":${r}}\n` : `${tableRows === 0 ? '' : ','}${r}`;
          tableRows++;
        }
        rows += batch.length;
        onProgress?.({ table: key, tableRows, tableTotal, rows, total, tablesDone: index, tablesTotal: tables.length });
        yield chunk;
      }
      if (format === 'json') yield ']';
      counts[key] = tableRows;
      onProgress?.({
        table: key,
        tableRows,
        tableTotal,
        rows,
        total,
        tablesDone: index + 1,
        tablesTotal: tables.length,
      });
    }
    const trailer: ExportTrailer = { type: 'trailer', rows, counts };
    yield format === 'ndjson' ? `${JSON.stringify(trailer)}\n` : `},"trailer":${JSON.stringify(trailer)}}`;
    await reserved`commit`;
    open = false;
  } finally {
    // Reached on completion, on error, and when the consumer cancels the stream (generator return).
    if (open) await reserved`rollback`.catch(() => {});
    reserved.release();
  }
}

async function primaryKeyColumns(sql: postgres.ReservedSql, table: TenantTableRef): Promise<string[]> {
  const rows = await sql<Array<{ name: string }>>`
    select a.attname as name
    from pg_catalog.pg_index x
    join pg_catalog.pg_class c on c.oid = x.indrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    cross join lateral unnest(x.indkey) with ordinality k(attnum, ord)
    join pg_catalog.pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum
    where x.indisprimary and n.nspname = ${table.schema} and c.relname = ${table.name}
    order by k.ord`;
  return rows.map((r) => r.name);
}
