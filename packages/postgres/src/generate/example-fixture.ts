// Test support (imported only by *.pg.test.ts): the committed example schema and config, with role names unique to
// one test database, because roles are cluster-wide and test files run in parallel.
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import type { ResolvedTenancyConfig, TenancyConfigInput } from '../config/config-types.js';
import { resolveConfig } from '../config/resolve-config.js';
import type { TenantContextValues } from './dialects/dialect.js';
import { dialectFor } from './generate-sql.js';

const repoFile = (path: string): string => readFileSync(new URL(`../../../../${path}`, import.meta.url), 'utf8');

/** `sql/schema.sql`: plans (global), projects (tenant), tasks (workspace). */
export const exampleSchemaSql: string = repoFile('sql/schema.sql');

/** `sql/tenancy.config.json` as written. */
export const exampleConfigInput: TenancyConfigInput = JSON.parse(
  repoFile('sql/tenancy.config.json'),
) as TenancyConfigInput;

/** A resolved config with role names of this test database; `overrides` are merged over the example config. */
export function testConfig(suffix: string, overrides: Partial<TenancyConfigInput> = {}): ResolvedTenancyConfig {
  return resolveConfig({
    ...exampleConfigInput,
    roles: { app: `tenancy_app_${suffix}`, platform: `tenancy_platform_${suffix}` },
    ...overrides,
  });
}

/** Drops the roles a test created, after revoking what they hold in this database (roles outlive databases). */
export async function dropTestRoles(sql: postgres.Sql, roles: string[]): Promise<void> {
  for (const role of roles) {
    const [exists] = await sql`select 1 from pg_roles where rolname = ${role}`;
    if (exists === undefined) continue;
    await sql.unsafe(`drop owned by "${role}"`);
    await sql.unsafe(`drop role "${role}"`);
  }
}

/** Runs `fn` in one unit of work scoped the way the tenant-scoped wrapper does it (the dialect's context statement). */
export function inUnitOfWork<T>(
  sql: postgres.Sql,
  config: ResolvedTenancyConfig,
  values: TenantContextValues,
  fn: (tx: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  const statement = dialectFor(config).contextStatement(config, values);
  return sql.begin(async (tx) => {
    await tx.unsafe(statement.text, statement.params);
    return fn(tx);
  }) as Promise<T>;
}

/** The SQLSTATE of a failed query (undefined when it did not fail). */
export async function sqlState(query: Promise<unknown>): Promise<string | undefined> {
  try {
    await query;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

/** Runs a complete script (with its own `begin; ... commit;`) on one connection, the way psql would. */
export async function runScript(url: string, script: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client.unsafe(script);
  } finally {
    await client.end();
  }
}
