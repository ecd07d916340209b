import type { ResolvedTenancyConfig } from '@tenancy/postgres';
import { generateSql } from '@tenancy/postgres';
import type postgres from 'postgres';
import { exampleTablesSql } from './database-schema';

/**
 * Creates or updates everything the example needs in one transaction, the way a deploy would: the generator's
 * prelude (roles, helper functions, foundation tables), the example's tables, then the whole generated script (RLS,
 * grants, defaults and triggers for every classified table). Idempotent: runs on every start.
 * @example
 * await setupDatabase(sql, config);
 */
export async function setupDatabase(sql: postgres.Sql, config: ResolvedTenancyConfig): Promise<void> {
  await sql.begin(async (tx) => {
    await tx.unsafe(generateSql(config, { only: 'prelude', transaction: false }));
    await tx.unsafe(exampleTablesSql(config));
    await tx.unsafe(generateSql(config, { transaction: false }));
  });
}
