// postgres.js 3.4.9 sends what a connection writes from a setImmediate. When the connection's socket closes before that
// send, postgres.js keeps the bytes and never sends on that connection again, not even the startup message of its
// reconnect: every query routed to it fails with CONNECT_TIMEOUT. Writes made in the event loop's check phase (a
// setImmediate callback) or close phase (a close event) are sent only a turn later, so a socket that closes in the same
// turn loses them. The wrapper must not write to a connection from either phase.
import { connect, type Socket } from 'node:net';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/create-test-database.js';
import type { TenantFixture } from './db-test-fixture.js';
import { setupTenantFixture, tenantIds } from './db-test-fixture.js';
import { withTenantSql } from './with-tenant-sql.js';

const [TENANT] = tenantIds(1) as [string];

let db: TestDatabase;
let fx: TenantFixture;

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await setupTenantFixture(db);
});

afterAll(async () => {
  await fx.cleanup();
  await db.drop();
});

/**
 * A client of one connection whose sockets the test can reach: postgres.js's `socket` option (missing from its types)
 * opens every socket of the client, a cancel request's too. `onSocket` sees each one as it opens.
 */
function clientWithSockets(onSocket?: (socket: Socket) => void): { client: postgres.Sql; sockets: Socket[] } {
  const url = new URL(fx.loginUrl);
  const sockets: Socket[] = [];
  const client = fx.client({
    max: 1,
    // Short, so a connection that never sends its startup message fails the test quickly.
    connect_timeout: 2,
    socket: () => {
      const socket = connect(Number(url.port || 5432), url.hostname);
      sockets.push(socket);
      onSocket?.(socket);
      return socket;
    },
  } as postgres.Options<Record<string, postgres.PostgresType>>);
  return { client, sockets };
}

describe('cancelBackendOf', () => {
  it('lets a connection that closes in the same turn as the cancel request reconnect and serve the next query', async () => {
    // Set while the unit's statement runs: the next socket postgres.js opens is the cancel request's.
    let onCancelSocket: ((cancel: Socket) => void) | undefined;
    const { client, sockets } = clientWithSockets((socket) => {
      const hook = onCancelSocket;
      onCancelSocket = undefined;
      hook?.(socket);
    });
    await client`select 1`;
    const connection = sockets[0] as Socket;

    const controller = new AbortController();
    const unit = withTenantSql(
      client,
      TENANT,
      async (sql) => {
        await sql`select pg_sleep(30)`;
      },
      { config: fx.config, signal: controller.signal },
    );
    let sleeper: number | undefined;
    for (let tries = 0; tries < 500 && sleeper === undefined; tries++) {
      const [row] = await db.sql<[{ pid: number }?]>`
        select pid from pg_stat_activity
        where usename = ${fx.login} and state = 'active' and query like '%pg_sleep%'`;
      sleeper = row?.pid;
      if (sleeper === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    expect(sleeper).toBeDefined();

    // Both sockets close in this turn, the unit's connection first: libuv runs close callbacks in reverse order, so
    // the cancel request's close (which tells the unit its cancel was delivered) comes first, and the connection's
    // close right after it, in the same close phase, as when a killed backend and a cancel race.
    onCancelSocket = (cancel) => {
      connection.destroy();
      cancel.destroy();
    };
    controller.abort(new Error('deadline'));
    await expect(unit).rejects.toThrow('deadline');

    // The connection reconnects for the next query. Without the fix its startup message stays buffered behind the
    // ROLLBACK that was written into the closing socket, and the query fails with CONNECT_TIMEOUT.
    expect(await client`select 1 as one`).toEqual([{ one: 1 }]);
    expect(sockets).toHaveLength(3);

    await db.sql`select pg_terminate_backend(${sleeper ?? 0})`;
  }, 30_000);
});

describe('a lane giving its connection back', () => {
  it('lets a connection whose socket closes in the turn of the release reconnect and serve the next query', async () => {
    const { client, sockets } = clientWithSockets();
    await client`select 1`;
    await withTenantSql(client, TENANT, (sql) => sql`select 1 as x`, { config: fx.config }).then(() => {
      // The unit's lane has just scheduled the release of its connection (an empty statement). This setImmediate runs
      // after any the lane scheduled, and the socket's close event then comes in this turn's close phase. Released
      // from a setImmediate, the empty statement would still be buffered then, and lost with the connection.
      setImmediate(() => sockets[0]?.destroy());
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sockets[0]?.destroyed).toBe(true);

    // The connection reconnects for the next query; without the fix it fails with CONNECT_TIMEOUT.
    expect(await client`select 2 as two`).toEqual([{ two: 2 }]);
    expect(sockets).toHaveLength(2);
  });
});
