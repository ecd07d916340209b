// A unit's deadline cancels its statement through a cancel connection of its own. When the unit's connection closes
// in the same turn as that cancel connection (its backend was killed, the server went away), the unit must not write
// its ROLLBACK into the dying connection: postgres.js 3.4.9 keeps a write it could not send before the close and then
// sends nothing on that connection ever again, not even the startup message of its reconnect (see cancelBackendOf).
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

describe('cancelBackendOf', () => {
  it('lets a connection that closes in the same turn as the cancel request reconnect and serve the next query', async () => {
    const url = new URL(fx.loginUrl);
    const sockets: Socket[] = [];
    // Set while the unit's statement runs: the next socket postgres.js opens is the cancel request's.
    let onCancelSocket: ((cancel: Socket) => void) | undefined;
    // postgres.js's `socket` option (missing from its types) opens every socket of the client, the cancel
    // request's too.
    const options = {
      max: 1,
      // Short, so a connection that never sends its startup message fails the test quickly.
      connect_timeout: 2,
      socket: () => {
        const socket = connect(Number(url.port || 5432), url.hostname);
        sockets.push(socket);
        const hook = onCancelSocket;
        onCancelSocket = undefined;
        hook?.(socket);
        return socket;
      },
    };
    const client: postgres.Sql = fx.client(options);
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
