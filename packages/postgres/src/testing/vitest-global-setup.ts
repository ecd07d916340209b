import { TEST_SERVER_SOURCE_ENV, TEST_SERVER_URL_ENV } from './create-test-database.js';
import { startPostgres } from './start-postgres.js';

/**
 * A vitest `globalSetup` that starts one PostgreSQL server (DATABASE_URL, testcontainers or embedded) for the whole
 * run and hands it to every worker; each test file then creates its own database with `createTestDatabase()`.
 * @example
 * // vitest.config.ts
 * export default defineConfig({ test: { globalSetup: ['@tenancy/postgres/testing/global-setup'] } });
 */
export async function setupTestPostgres(): Promise<() => Promise<void>> {
  const server = await startPostgres({ log: (m) => process.stderr.write(`[tenancy] ${m}\n`) });
  process.env[TEST_SERVER_URL_ENV] = server.url;
  process.env[TEST_SERVER_SOURCE_ENV] = server.source;
  return () => server.stop();
}
