export type { TestDatabase } from './testing/create-test-database.js';
export {
  createTestDatabase,
  TEST_SERVER_SOURCE_ENV,
  TEST_SERVER_URL_ENV,
  withDatabase,
} from './testing/create-test-database.js';
export type { PgBouncer, StartPgBouncerOptions } from './testing/pgbouncer.js';
export { pgBouncerVersion, startPgBouncer, versionAtLeast } from './testing/pgbouncer.js';
export type { RoundTripProxy, RoundTripProxyOptions } from './testing/round-trip-proxy.js';
export { createRoundTripProxy } from './testing/round-trip-proxy.js';
export type { PostgresSource, StartPostgresOptions, TestPostgresServer } from './testing/start-postgres.js';
export { startPostgres } from './testing/start-postgres.js';
export { setupTestPostgres } from './testing/vitest-global-setup.js';
