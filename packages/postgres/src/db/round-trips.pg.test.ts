// The cost model, enforced: a regression in the number of network round trips fails CI.
import { sql as dsql, eq, placeholder } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/create-test-database.js';
import { createRoundTripProxy, type RoundTripProxy } from '../testing/round-trip-proxy.js';
import { createTenantDb, type TenantDb } from './create-tenant-db.js';
import type { TenantFixture } from './db-test-fixture.js';
import { projects, schema, setupTenantFixture, tenantIds } from './db-test-fixture.js';
import { withTenantSql } from './with-tenant-sql.js';

const [A, B] = tenantIds(2) as [string, string];
const PA = '10000000-0000-4000-8000-00000000000a';

let db: TestDatabase;
let fx: TenantFixture;
let proxy: RoundTripProxy;
let client: postgres.Sql;
let tenantDb: TenantDb<typeof schema>;

/** Runs `fn` twice (the first run warms the connection's statements) and returns the round trips of the second. */
async function warm<T>(fn: () => Promise<T>): Promise<{ result: T; roundTrips: number }> {
  await fn();
  return proxy.measure(fn);
}

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await setupTenantFixture(db);
  await db.sql.unsafe(`insert into projects (tenant_id, id, name) values ('${A}', '${PA}', 'a-project')`);
  proxy = await createRoundTripProxy({ target: fx.loginUrl });
  // One connection, so "warm" means warm on the connection the measured unit runs on.
  client = fx.client({ max: 1 }, proxy.url);
  tenantDb = createTenantDb({ client, schema, config: fx.config });
  await client`select 1`;
});

afterAll(async () => {
  await fx.cleanup();
  await proxy.close();
  await db.drop();
});

describe('round trips of a unit of work', () => {
  it('costs one round trip for a warm single-statement withTenant', async () => {
    const { result, roundTrips } = await warm(() =>
      tenantDb.withTenant(A, (tx) => tx.select({ name: projects.name }).from(projects).where(eq(projects.id, PA))),
    );
    expect(result).toEqual([{ name: 'a-project' }]);
    expect(roundTrips).toBe(1);
  });

  it('costs one round trip for a prepared query returned from the callback', async () => {
    const byId = tenantDb.prepare((db) =>
      db
        .select({ name: projects.name })
        .from(projects)
        .where(eq(projects.id, placeholder('id')))
        .prepare('by_id'),
    );
    const { result, roundTrips } = await warm(() => tenantDb.withTenant(A, (tx) => byId.execute(tx, { id: PA })));
    expect(result).toEqual([{ name: 'a-project' }]);
    expect(roundTrips).toBe(1);
  });

  it('costs one round trip for several returned statements', async () => {
    const { result, roundTrips } = await warm(() =>
      tenantDb.withTenant(
        A,
        (tx) =>
          [
            tx.select({ name: projects.name }).from(projects).where(eq(projects.id, PA)),
            tx.$count(projects),
            tx.update(projects).set({ name: 'a-project' }).where(eq(projects.id, PA)).returning({ id: projects.id }),
          ] as const,
      ),
    );
    expect(result).toEqual([[{ name: 'a-project' }], 1, [{ id: PA }]]);
    expect(roundTrips).toBe(1);
  });

  it('keeps queries returned from an async callback on the fast path; a returned promise costs one more', async () => {
    const select = (tx: Parameters<Parameters<typeof tenantDb.run>[0]>[0]) =>
      tx.select({ name: projects.name }).from(projects).where(eq(projects.id, PA));
    const asyncReturn = await warm(() => tenantDb.withTenant(A, async (tx) => [select(tx), select(tx)]));
    expect(asyncReturn.result).toEqual([[{ name: 'a-project' }], [{ name: 'a-project' }]]);
    expect(asyncReturn.roundTrips).toBe(1);
    const promiseAll = await warm(() => tenantDb.withTenant(A, (tx) => Promise.all([select(tx), select(tx)])));
    expect(promiseAll.result).toEqual([[{ name: 'a-project' }], [{ name: 'a-project' }]]);
    expect(promiseAll.roundTrips).toBe(2);
  });

  it('costs n + 1 round trips for n awaited statements', async () => {
    for (const n of [1, 2, 5]) {
      const { result, roundTrips } = await warm(() =>
        tenantDb.withTenant(A, async (tx) => {
          let rows: unknown[] = [];
          for (let i = 0; i < n; i++)
            rows = await tx.select({ name: projects.name }).from(projects).where(eq(projects.id, PA));
          return rows;
        }),
      );
      expect(result).toEqual([{ name: 'a-project' }]);
      expect(roundTrips).toBe(n + 1);
    }
  });

  it('costs one round trip through run() and through raw postgres.js', async () => {
    const raw = await warm(() =>
      withTenantSql(client, B, (sql) => sql`select count(*)::int as n from projects`, { config: fx.config }),
    );
    expect(raw.result.map((r) => ({ ...r }))).toEqual([{ n: 0 }]);
    expect(raw.roundTrips).toBe(1);
  });

  it('costs the same as an unscoped prepared query, and a sixth of the naive Drizzle transaction', async () => {
    const plain = drizzle({ client: fx.client({ max: 1 }, proxy.url) });
    const query = () => plain.select({ name: projects.name }).from(projects).where(eq(projects.id, PA));
    const prepared = plain.select({ name: projects.name }).from(projects).where(eq(projects.id, PA)).prepare('by_id');
    expect((await warm(() => prepared.execute())).roundTrips).toBe(1);
    // Drizzle's default sends unnamed statements: every parameterized query pays a describe round trip.
    expect((await warm(() => query().then((r) => r))).roundTrips).toBe(2);
    // The pattern most code starts with: db.transaction + an awaited set_config.
    const naive = await warm(() =>
      plain.transaction(async (tx) => {
        await tx.execute(dsql`select set_config('tenancy.tenant_id', ${A}, true)`);
        return tx.select({ name: projects.name }).from(projects).where(eq(projects.id, PA));
      }),
    );
    expect(naive.roundTrips).toBe(6);
  });

  it('stays correct without prepared statements, at one round trip more per parameterized statement', async () => {
    const unprepared = createTenantDb({
      client: fx.client({ max: 1, prepare: false }, proxy.url),
      schema,
      config: fx.config,
    });
    const single = await warm(() =>
      unprepared.withTenant(A, (tx) => tx.select({ name: projects.name }).from(projects).where(eq(projects.id, PA))),
    );
    expect(single.result).toEqual([{ name: 'a-project' }]);
    expect(single.roundTrips).toBe(3);
    const noParams = await warm(() =>
      unprepared.withTenant(A, (tx) => tx.select({ name: projects.name }).from(projects)),
    );
    expect(noParams.result).toEqual([{ name: 'a-project' }]);
    expect(noParams.roundTrips).toBe(1);
  });
});
