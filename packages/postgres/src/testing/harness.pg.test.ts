import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from './create-test-database.js';
import { createTestDatabase, TEST_SERVER_SOURCE_ENV } from './create-test-database.js';

describe('createTestDatabase', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  beforeAll(async () => {
    [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([a?.drop(), b?.drop()]);
  });

  it('gives each caller its own fresh, empty database on a real server', async () => {
    expect(a.name).not.toBe(b.name);
    const [row] = await a.sql<{ db: string }[]>`select current_database() as db`;
    expect(row?.db).toBe(a.name);
    const tables = await a.sql`select 1 from pg_tables where schemaname = 'public'`;
    expect(tables.length).toBe(0);
    const [version] = await a.sql<{ v: number }[]>`select current_setting('server_version_num')::int as v`;
    expect(version?.v).toBeGreaterThanOrEqual(150000);
  });

  it('keeps data written in one database invisible to another', async () => {
    await a.sql`create table t (x int)`;
    await a.sql`insert into t values (1)`;
    const inB = await b.sql`select 1 from pg_tables where tablename = 't'`;
    expect(inB.length).toBe(0);
    expect(await a.sql`select x from t`).toEqual([{ x: 1 }]);
  });

  // The embedded CI run sets TENANCY_EXPECT_SOURCE=embedded so that a silent fallback to another source fails it.
  it('uses the server source the run expects', () => {
    const expected = process.env['TENANCY_EXPECT_SOURCE'];
    expect(process.env[TEST_SERVER_SOURCE_ENV]).toBe(expected ?? process.env[TEST_SERVER_SOURCE_ENV]);
    expect(['env', 'testcontainers', 'embedded']).toContain(process.env[TEST_SERVER_SOURCE_ENV]);
  });

  it('drops the database and its connections', async () => {
    const c = await createTestDatabase();
    await c.sql`select 1`;
    await c.drop();
    const rows = await a.sql`select 1 from pg_database where datname = ${c.name}`;
    expect(rows.length).toBe(0);
  });
});
