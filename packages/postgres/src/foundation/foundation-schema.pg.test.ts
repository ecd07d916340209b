import { is, SQL } from 'drizzle-orm';
import { getTableConfig, PgDialect, type PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFoundationSchema } from './foundation-schema.js';
import { foundationSql } from './foundation-sql.js';
import type { FoundationTestDatabase } from './test-foundation.js';
import { createFoundationTestDatabase } from './test-foundation.js';

let db: FoundationTestDatabase;
beforeAll(async () => {
  db = await createFoundationTestDatabase();
});
afterAll(() => db.dropAll());

const dialect = new PgDialect();

// pg_get_expr and Drizzle print the same expression differently ("IS NULL" vs "is null", extra parentheses, quoted
// identifiers); this keeps only what carries meaning.
const normalize = (expression: string): string => expression.toLowerCase().replace(/[\s()"]/g, '');

function drizzleDefault(column: ReturnType<typeof getTableConfig>['columns'][number]): string | null {
  const value = column.default;
  if (value === undefined) return null;
  if (is(value, SQL)) return normalize(dialect.sqlToQuery(value).sql);
  if (typeof value === 'string') return normalize(`'${value}'::text`);
  if (typeof value === 'boolean') return String(value);
  return normalize(`'${JSON.stringify(value)}'::jsonb`);
}

interface CatalogTable {
  columns: Array<{ name: string; type: string; notNull: boolean; default: string | null }>;
  primaryKey: { name: string; columns: string[] };
  foreignKeys: Array<{
    name: string;
    columns: string[];
    table: string;
    foreignColumns: string[];
    onDelete: string;
    onUpdate: string;
  }>;
  indexes: Array<{ name: string; unique: boolean; columns: string[]; where: string | null }>;
  checks: string[];
}

const ACTIONS: Record<string, string> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

async function readCatalog(schema: string, table: string): Promise<CatalogTable> {
  const rel = `${schema}.${table}`;
  const columns = await db.sql<Array<{ name: string; type: string; not_null: boolean; def: string | null }>>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null,
      pg_get_expr(d.adbin, d.adrelid) as def
    from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attrelid = ${rel}::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`;
  const constraints = await db.sql<
    Array<{
      name: string;
      type: string;
      columns: string[];
      ftable: string | null;
      fcolumns: string[] | null;
      del: string;
      upd: string;
    }>
  >`
    select c.conname as name, c.contype as type,
      array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i)
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as columns,
      c.confrelid::regclass::text as ftable,
      array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i)
        join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i) as fcolumns,
      c.confdeltype as del, c.confupdtype as upd
    from pg_constraint c where c.conrelid = ${rel}::regclass order by c.conname`;
  const indexes = await db.sql<
    Array<{ name: string; unique: boolean; columns: string[]; pred: string | null; constraint: boolean }>
  >`
    select i.relname as name, x.indisunique as unique,
      array(select a.attname::text from unnest(x.indkey) with ordinality k(n, o)
        join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.n order by k.o) as columns,
      pg_get_expr(x.indpred, x.indrelid) as pred,
      exists (select 1 from pg_constraint c where c.conindid = x.indexrelid and c.conrelid = x.indrelid) as constraint
    from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = ${rel}::regclass order by i.relname`;
  const pk = constraints.find((c) => c.type === 'p');
  return {
    columns: columns.map((c) => ({
      name: c.name,
      type: c.type,
      notNull: c.not_null,
      default: c.def === null ? null : normalize(c.def),
    })),
    primaryKey: { name: pk?.name ?? '', columns: pk?.columns ?? [] },
    foreignKeys: constraints
      .filter((c) => c.type === 'f')
      .map((c) => ({
        name: c.name,
        columns: c.columns,
        table: c.ftable ?? '',
        foreignColumns: c.fcolumns ?? [],
        onDelete: ACTIONS[c.del] ?? c.del,
        onUpdate: ACTIONS[c.upd] ?? c.upd,
      })),
    indexes: indexes
      .filter((i) => !i.constraint)
      .map((i) => ({
        name: i.name,
        unique: i.unique,
        columns: i.columns,
        where: i.pred === null ? null : normalize(i.pred),
      })),
    checks: constraints.filter((c) => c.type === 'c').map((c) => c.name),
  };
}

function fromDrizzle(table: PgTable): CatalogTable {
  const config = getTableConfig(table);
  const pk = config.primaryKeys[0];
  const columnName = (column: unknown): string => (column as { name: string }).name;
  return {
    columns: config.columns.map((c) => ({
      name: c.name,
      type: c.getSQLType(),
      notNull: c.notNull,
      default: drizzleDefault(c),
    })),
    primaryKey: { name: pk?.getName() ?? '', columns: pk?.columns.map((c) => c.name) ?? [] },
    foreignKeys: config.foreignKeys
      .map((fk) => {
        const ref = fk.reference();
        const target = getTableConfig(ref.foreignTable);
        return {
          name: fk.getName(),
          columns: ref.columns.map((c) => c.name),
          table: `${target.schema}.${target.name}`,
          foreignColumns: ref.foreignColumns.map((c) => c.name),
          onDelete: fk.onDelete ?? 'no action',
          onUpdate: fk.onUpdate ?? 'no action',
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
    indexes: config.indexes
      .map((i) => ({
        name: i.config.name ?? '',
        unique: i.config.unique,
        columns: i.config.columns.map(columnName),
        where: i.config.where === undefined ? null : normalize(dialect.sqlToQuery(i.config.where).sql),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    checks: config.checks.map((c) => c.name).sort(),
  };
}

describe('createFoundationSchema', () => {
  const { schema: _schema, ...tables } = createFoundationSchema('tenancy');

  it('declares exactly the tables foundationSql creates', async () => {
    const rows = await db.sql<Array<{ name: string }>>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'tenancy' and c.relkind = 'r' order by 1`;
    const declared = Object.values(tables)
      .map((t) => getTableConfig(t).name)
      .sort();
    expect(rows.map((r) => r.name)).toEqual(declared);
    expect(declared).toEqual([
      'audit_log',
      'domains',
      'invitations',
      'memberships',
      'platform_audit_log',
      'role_permissions',
      'roles',
      'tenants',
      'users',
      'workspace_memberships',
      'workspaces',
    ]);
  });

  for (const table of Object.values(tables)) {
    const name = getTableConfig(table).name;
    it(`agrees with foundationSql on tenancy.${name}: columns, types, defaults, keys, indexes, checks`, async () => {
      const actual = await readCatalog('tenancy', name);
      const expected = fromDrizzle(table);
      expect(actual).toEqual(expected);
    });
  }

  it('puts the tenant column first in every key of a tenant-scoped table', async () => {
    for (const table of Object.values(tables)) {
      const config = getTableConfig(table);
      if (!config.columns.some((c) => c.name === 'tenant_id')) continue;
      expect(config.primaryKeys[0]?.columns[0]?.name, config.name).toBe('tenant_id');
      for (const fk of config.foreignKeys) {
        const ref = fk.reference();
        const target = getTableConfig(ref.foreignTable).name;
        if (target === 'users') continue; // global identities: no tenant column to lead with
        expect(ref.columns[0]?.name, fk.getName()).toBe('tenant_id');
      }
    }
  });
});

describe('foundationSql', () => {
  it('is idempotent: applying it again changes nothing', async () => {
    const before = await readCatalog('tenancy', 'workspaces');
    await db.sql.begin((tx) => tx.unsafe(foundationSql(db.config)));
    expect(await readCatalog('tenancy', 'workspaces')).toEqual(before);
  });

  it('refuses a non-uuid tenant column type with INVALID_CONFIG', () => {
    expect(() => foundationSql({ helperSchema: 'tenancy', tenantColumnType: 'text' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
  });

  it('quotes the helper schema name', () => {
    expect(foundationSql({ helperSchema: 'my"schema', tenantColumnType: 'uuid' })).toContain(
      'create table if not exists "my""schema".tenants',
    );
  });
});
