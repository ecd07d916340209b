import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './create-test-database.js';
import { type PgBouncer, pgBouncerVersion, startPgBouncer, versionAtLeast } from './pgbouncer.js';

let db: TestDatabase;
let bouncer: PgBouncer;

beforeAll(async () => {
  db = await createTestDatabase();
  bouncer = await startPgBouncer({ target: db.url, defaultPoolSize: 1 });
});

afterAll(async () => {
  await bouncer.stop();
  await db.drop();
});

describe('startPgBouncer', () => {
  it('fails with an install hint when PgBouncer is missing', async () => {
    await expect(startPgBouncer({ target: db.url, binary: '/nonexistent/pgbouncer' })).rejects.toThrow(
      /apt-get install pgbouncer/,
    );
  });

  it('reads the installed version and knows whether it can pool prepared statements', async () => {
    expect(bouncer.version).toMatch(/^\d+\.\d+/);
    expect(await pgBouncerVersion()).toBe(bouncer.version);
    expect(versionAtLeast('1.21.0', 1, 21)).toBe(true);
    expect(versionAtLeast('1.18.0', 1, 21)).toBe(false);
    expect(versionAtLeast('2.0', 1, 21)).toBe(true);
    // Off unless asked for, and only possible from 1.21 on.
    expect(bouncer.supportsPreparedStatements).toBe(false);
  });

  it('pools in transaction mode: transactions of different clients share one server connection', async () => {
    const clients = [0, 1, 2].map(() => postgres(bouncer.url, { max: 1, prepare: false, onnotice: () => {} }));
    try {
      const pids = await Promise.all(
        clients.map((c) => c.begin(async (tx) => (await tx`select pg_backend_pid() as pid`)[0]?.['pid'] as number)),
      );
      expect(new Set(pids).size).toBe(1);
      const [row] = await clients[0]!`select current_database() as db`;
      expect(row?.['db']).toBe(db.name);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });
});
