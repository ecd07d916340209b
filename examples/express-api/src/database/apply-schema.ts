import type { ResolvedTenancyConfig } from '@tenancy/postgres';
import { generateSql } from '@tenancy/postgres';
import type postgres from 'postgres';
import { exampleSchemaSql } from './schema-sql.js';

/**
 * Brings a database up to date in one transaction, the way a deploy does: the generated prelude (roles, helper
 * functions, foundation tables), the example's own tables, then the whole generated script (RLS, grants, policies).
 * Idempotent: safe on every start. `sql` must connect as the owner of the tables or a superuser.
 */
export async function applySchema(sql: postgres.Sql, config: ResolvedTenancyConfig): Promise<void> {
  await sql.begin(async (tx) => {
    await tx.unsafe(generateSql(config, { only: 'prelude', transaction: false }));
    await tx.unsafe(exampleSchemaSql(config));
    await tx.unsafe(generateSql(config, { transaction: false }));
  });
}
