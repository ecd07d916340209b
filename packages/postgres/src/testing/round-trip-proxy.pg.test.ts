import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './create-test-database.js';
import { createRoundTripProxy, type RoundTripProxy } from './round-trip-proxy.js';

let db: TestDatabase;
let proxy: RoundTripProxy;
let sql: postgres.Sql;

beforeAll(async () => {
  db = await createTestDatabase();
  proxy = await createRoundTripProxy({ target: db.url });
  sql = postgres(proxy.url!, { max: 1, onnotice: () => {} });
  await sql`select 1`;
});

afterAll(async () => {
  await sql.end();
  await proxy.close();
  await db.drop();
});

describe('createRoundTripProxy', () => {
  it('rewrites the target URL to its own host and port', () => {
    const u = new URL(proxy.url!);
    expect(u.hostname).toBe('127.0.0.1');
    expect(Number(u.port)).toBe(proxy.port);
    expect(u.pathname).toBe(`/${db.name}`);
  });

  it('counts a pipelined batch as one round trip', async () => {
    const { result, roundTrips } = await proxy.measure(() =>
      Promise.all([sql`select 1 as a`, sql`select 2 as b`, sql`select 3 as c`]),
    );
    expect(result.map((r) => ({ ...r[0] }))).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
    expect(roundTrips).toBe(1);
  });

  it('counts three awaited queries as three round trips', async () => {
    const { roundTrips } = await proxy.measure(async () => {
      await sql`select 1`;
      await sql`select 2`;
      await sql`select 3`;
    });
    expect(roundTrips).toBe(3);
  });

  it('counts the describe round trip of a first-time parameterized statement', async () => {
    const first = await proxy.measure(() => sql`select ${'x'}::text as v`);
    const warm = await proxy.measure(() => sql`select ${'y'}::text as v`);
    expect([first.roundTrips, warm.roundTrips]).toEqual([2, 1]);
  });

  it('counts per connection and resets', async () => {
    const other = postgres(proxy.url!, { max: 1, onnotice: () => {} });
    try {
      await other`select 1`;
      const before = proxy.roundTripsByConnection();
      expect(before.length).toBeGreaterThanOrEqual(2);
      await other`select 2`;
      const after = proxy.roundTripsByConnection();
      expect(after.at(-1)! - before.at(-1)!).toBe(1);
      proxy.reset();
      expect(proxy.roundTrips()).toBe(0);
    } finally {
      await other.end();
    }
  });
});
