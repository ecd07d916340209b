// Test support for the foundation's *.pg.test.ts files (not exported from the package): a database with the
// foundation applied under role names unique to that database.
import postgres from 'postgres';
import type { ResolvedTenancyConfig, TenancyConfigInput } from '../config/config-types.js';
import { resolveConfig } from '../config/resolve-config.js';
import { generateSql } from '../generate/generate-sql.js';
import type { TestDatabase } from '../testing/create-test-database.js';
import { createTestDatabase, withDatabase } from '../testing/create-test-database.js';
import { quoteIdent } from './sql-text.js';

/** A test database with the foundation applied, and the config that names its roles. */
export interface FoundationTestDatabase extends TestDatabase {
  readonly config: ResolvedTenancyConfig;
  /** Drops the database, then the roles this file created. */
  dropAll(): Promise<void>;
}

/** The config of one test file: foundation on, roles suffixed (roles are cluster-wide, databases are not). */
export function testConfig(suffix: string, input: TenancyConfigInput = {}): ResolvedTenancyConfig {
  return resolveConfig({
    ...input,
    foundation: true,
    roles: { app: `tenancy_app_${suffix}`, platform: `tenancy_platform_${suffix}` },
  });
}

/**
 * Creates a database and applies the generated SQL for `input` with the foundation on, the way a deploy does: the
 * prelude (roles, helper functions, foundation tables), then `extraSql` (your tables, which may reference the
 * foundation), then the whole script. Returns the database with its config.
 */
export async function createFoundationTestDatabase(
  input: TenancyConfigInput = {},
  extraSql = '',
): Promise<FoundationTestDatabase> {
  const db = await createTestDatabase();
  const config = testConfig(db.suffix, input);
  await db.sql.begin(async (tx) => {
    await tx.unsafe(generateSql(config, { only: 'prelude', transaction: false }));
    if (extraSql.trim() !== '') await tx.unsafe(extraSql);
    await tx.unsafe(generateSql(config, { transaction: false }));
  });
  return {
    ...db,
    config,
    dropAll: async () => {
      await db.drop();
      const admin = postgres(withDatabase(db.url, 'postgres'), { max: 1, onnotice: () => {} });
      try {
        for (const role of [config.roles.app, config.roles.platform]) {
          await admin.unsafe(`drop role if exists ${quoteIdent(role)}`);
        }
      } finally {
        await admin.end();
      }
    },
  };
}
