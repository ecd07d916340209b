import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { StartPostgresOptions, TestPostgresServer } from './start-postgres.js';
import { startPostgres } from './start-postgres.js';

/** The environment variable a global setup uses to hand its server to test workers. */
export const TEST_SERVER_URL_ENV = 'TENANCY_TEST_SERVER_URL';
/** Set by the global setup to the source of its server (`env`, `testcontainers`, `embedded`). */
export const TEST_SERVER_SOURCE_ENV = 'TENANCY_TEST_SERVER_SOURCE';

/** A freshly created database, owned by one test file. */
export interface TestDatabase {
  /** Database name (`tenancy_test_<random>`). */
  readonly name: string;
  /** Superuser connection string for this database. */
  readonly url: string;
  /** A postgres.js client connected as superuser to this database (max 4 connections). */
  readonly sql: postgres.Sql;
  /** A short random suffix unique to this database: use it in role names, which are cluster-wide. */
  readonly suffix: string;
  /** Closes `sql`, terminates other connections and drops the database. */
  drop(): Promise<void>;
}

// Per process (one vitest worker): the server is started at most once, and only when no global setup handed one over.
let serverPromise: Promise<TestPostgresServer> | undefined;

function server(options: StartPostgresOptions): Promise<TestPostgresServer> {
  const handedOver = process.env[TEST_SERVER_URL_ENV];
  if (handedOver) return Promise.resolve({ url: handedOver, source: 'env', stop: async () => {} });
  serverPromise ??= startPostgres(options);
  return serverPromise;
}

/**
 * Creates a fresh, empty database for one test file on the harness's server, so files can run in parallel.
 * @example
 * let db: TestDatabase;
 * beforeAll(async () => { db = await createTestDatabase(); });
 * afterAll(() => db.drop());
 * @see https://github.com/tenancy/tenancy/blob/main/docs/testing.md
 */
export async function createTestDatabase(options: StartPostgresOptions = {}): Promise<TestDatabase> {
  const { url: serverUrl } = await server(options);
  const suffix = randomBytes(4).toString('hex');
  const name = `tenancy_test_${suffix}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  return {
    name,
    url,
    sql,
    suffix,
    drop: async () => {
      await sql.end({ timeout: 5 });
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}
