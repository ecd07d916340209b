// Units of one statement sent with their opening under one Sync (wire-shim.ts): no BEGIN, no COMMIT, the implicit
// transaction of the extended protocol. What must hold: the tenant and role apply to the statement (RLS shows only the
// tenant's rows; it would show none if the settings had ended at a Sync of their own), writes commit or roll back with
// the statement, nothing outlives the unit, a failed opening never lets the statement run, and postgres.js never
// reruns a statement of such a unit outside it.
import net from 'node:net';
import { sql as dsql, eq } from 'drizzle-orm';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/create-test-database.js';
import { createTenantDb } from './create-tenant-db.js';
import type { TenantFixture, WireLog } from './db-test-fixture.js';
import { connectionState, createWireLog, projects, schema, setupTenantFixture, tenantIds } from './db-test-fixture.js';
import { compileRuntimeConfig } from './runtime-config.js';
import { classifyRawReturned, createTenantSql } from './tenant-sql.js';
import { UnitOfWork } from './unit-of-work.js';
import { prepareTenantSql, withTenantSql } from './with-tenant-sql.js';

const [A, B] = tenantIds(2) as [string, string];

let db: TestDatabase;
let fx: TenantFixture;

const logs: WireLog[] = [];

/**
 * A client of one connection whose statements are logged off the wire as kinds (begin, open, commit, acquire,
 * query), grouped by the Sync that ends them.
 */
async function loggedClient(options: postgres.Options<Record<string, postgres.PostgresType>> = {}) {
  const log = await createWireLog(fx.loginUrl);
  logs.push(log);
  const client = fx.client({ max: 1, ...options }, log.url);
  return { client, log, kinds: () => log.kinds(), groups: () => log.groups() };
}

const plain = <T>(rows: readonly T[]) => rows.map((r) => ({ ...r }));

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await setupTenantFixture(db);
  await db.sql.unsafe(
    `insert into projects (tenant_id, name) values ('${A}', 'a-project'), ('${B}', 'b-project');
     create table merged_probe (x int);
     grant insert, select on merged_probe to "${fx.login}", "${fx.config.roles.app}";
     create table stale_probe (a int);
     insert into stale_probe values (1);
     grant select on stale_probe to "${fx.login}", "${fx.config.roles.app}";`,
  );
});

afterAll(async () => {
  await fx.cleanup();
  await Promise.all(logs.map((log) => log.close()));
  await db.drop();
});

describe('units of one statement under one Sync', () => {
  it('sends the opening and the statement with no begin or commit, in the tenant and role of the unit', async () => {
    const { client, log, groups } = await loggedClient();
    const tenantDb = createTenantDb({ client, schema, config: fx.config });
    const names = (t: string) => tenantDb.withTenant(t, (tx) => tx.select({ name: projects.name }).from(projects));
    // Already the first unit on a connection: the socket prepares the opening in the same write.
    expect(await names(A)).toEqual([{ name: 'a-project' }]);
    expect(groups()).toEqual([['acquire'], ['open', 'query']]);
    log.clear();
    expect(await names(B)).toEqual([{ name: 'b-project' }]);
    expect(await names(A)).toEqual([{ name: 'a-project' }]);
    const who = await withTenantSql(client, B, (sql) => sql`select current_user as role, tenancy.tenant_id() as t`, {
      config: fx.config,
    });
    expect(plain(who)).toEqual([{ role: fx.config.roles.app, t: B }]);
    expect(groups()).toEqual([
      ['open', 'query'],
      ['open', 'query'],
      ['open', 'query'],
    ]);
    // Nothing outlives the unit: no tenant, the login role, no open transaction.
    await new Promise((resolve) => setImmediate(resolve));
    expect(await connectionState(client)).toEqual({ tenant: '', role: fx.login, inTransaction: false });
  });

  it('commits a write with its statement and rolls back one that fails', async () => {
    const { client, log, kinds } = await loggedClient();
    const tenantDb = createTenantDb({ client, schema, config: fx.config });
    await tenantDb.withTenant(A, (tx) => tx.select().from(projects)); // prepares the opening
    log.clear();
    const [created] = await tenantDb.withTenant(A, (tx) =>
      tx.insert(projects).values({ name: 'merged-write' }).returning({ tenantId: projects.tenantId }),
    );
    expect(created).toEqual({ tenantId: A });
    const failed = await tenantDb
      .withTenant(A, (tx) => tx.insert(projects).values({ name: dsql`(1 / 0)::text` }).returning())
      .then(
        () => 'committed',
        (error: { code?: string; cause?: { code?: string } }) => error.cause?.code ?? error.code,
      );
    expect(failed).toBe('22012');
    expect(kinds()).toEqual(['open', 'query', 'open', 'query']);
    const rows = await db.sql<{ tenant_id: string }[]>`select tenant_id from projects where name = 'merged-write'`;
    expect(plain(rows)).toEqual([{ tenant_id: A }]);
    // The connection is clean after the failure: the next unit runs in its own tenant.
    expect(await tenantDb.withTenant(B, (tx) => tx.select({ name: projects.name }).from(projects))).toEqual([
      { name: 'b-project' },
    ]);
    await tenantDb.withTenant(A, (tx) => tx.delete(projects).where(eq(projects.name, 'merged-write')));
  });

  it('never runs the statement when the opening fails, merged or not', async () => {
    const { client, log, groups } = await loggedClient();
    // An opening that fails when it runs (the role does not exist), not when it is prepared.
    const runtime = compileRuntimeConfig(fx.config);
    const unitWithBadRole = (merge: boolean, value?: number) => {
      const unit = UnitOfWork.open({
        client,
        runtime,
        values: [A, '', '', 'tenancy_no_such_role'],
        begin: 'begin',
        prepare: true,
        merge,
      });
      return unit
        .execute(
          createTenantSql(unit),
          (sql) =>
            value === undefined
              ? sql`insert into merged_probe values (1) returning x`
              : sql`insert into merged_probe values (${value}) returning x`,
          classifyRawReturned,
        )
        .then(
          () => 'succeeded',
          (error: { code?: string }) => error.code,
        );
    };
    // Installs the shim socket on this client before its first connection.
    createTenantDb({ client, schema, config: fx.config });
    // In a transaction: the COMMIT written right behind the statement ends it as a rollback.
    expect(await unitWithBadRole(false)).toBe('22023');
    expect(groups()).toEqual([['acquire'], ['begin'], ['query'], ['commit']]);
    log.clear();
    // Under one Sync: PostgreSQL skips the statement, which fails with the opening's error.
    expect(await unitWithBadRole(true)).toBe('22023');
    expect(groups()).toEqual([['open', 'query']]);
    // A statement with a parameter, new on the connection: postgres.js describes it first and binds it only once the
    // answer is in. The opening fails in front of its Parse; postgres.js gets the error instead of the description.
    log.clear();
    expect(await unitWithBadRole(true, 2)).toBe('22023');
    expect(await unitWithBadRole(true, 3)).toBe('22023');
    // Only the two openings ran; neither statement got as far as its Bind.
    expect(log.kinds()).toEqual(['open', 'open']);
    const [count] = await db.sql<{ n: number }[]>`select count(*)::int as n from merged_probe`;
    expect(count?.n).toBe(0);
    expect(
      plain(await withTenantSql(client, B, (sql) => sql`select name from projects`, { config: fx.config })),
    ).toEqual([{ name: 'b-project' }]);
  });

  it('parses a new statement in the unit role: a login role that inherits nothing can still prepare it', async () => {
    // A NOINHERIT login role (what the linter recommends) may not even look into the app's schema; only the role the
    // opening switches to may. A statement prepared in the unit's write must therefore come after the opening.
    const login = `${fx.login}_noinherit`;
    await db.sql.unsafe(
      `create role "${login}" login noinherit; grant "${fx.config.roles.app}" to "${login}";
       create schema merged_private; create table merged_private.items (v int);
       insert into merged_private.items values (1), (2);
       grant usage on schema merged_private to "${fx.config.roles.app}";
       grant select on merged_private.items to "${fx.config.roles.app}";`,
    );
    const url = new URL(fx.loginUrl);
    url.username = login;
    const client = fx.client({ max: 1 }, url.toString());
    try {
      createTenantDb({ client, schema, config: fx.config });
      const read = (v: number) =>
        withTenantSql(client, A, (sql) => sql`select v from merged_private.items where v = ${v}`, {
          config: fx.config,
        }).then(plain);
      expect(await read(2)).toEqual([{ v: 2 }]);
      expect(await read(1)).toEqual([{ v: 1 }]);
      // A statement text over 1 KiB: postgres.js writes it to the socket while building it, before the lane knows it
      // is prepared in this write; the socket holds it back until it does.
      const long = `select v /* ${'x'.repeat(1500)} */ from merged_private.items where v = $1`;
      const longRead = await withTenantSql(client, A, (sql) => sql.unsafe(long, [2]), { config: fx.config });
      expect(plain(longRead)).toEqual([{ v: 2 }]);
      // Without the opening the login role is refused: the schema is not its.
      const direct = await client`select v from merged_private.items`.then(
        () => 'read',
        (error: { code?: string }) => error.code,
      );
      expect(direct).toBe('42501');
    } finally {
      await client.end({ timeout: 5 });
      await db.sql.unsafe(`drop schema merged_private cascade; drop owned by "${login}"; drop role "${login}"`);
    }
  });

  it('does not let postgres.js rerun a statement outside its unit when its prepared plan went stale', async () => {
    const { client } = await loggedClient();
    createTenantDb({ client, schema, config: fx.config });
    const read = () =>
      withTenantSql(client, A, (sql) => sql`select *, current_user as role from stale_probe`, { config: fx.config });
    await read(); // prepares the opening
    expect(plain(await read())).toEqual([{ a: 1, role: fx.config.roles.app }]);
    await db.sql`alter table stale_probe add column b int`;
    try {
      // postgres.js retries a statement that failed with RevalidateCachedQuery. Outside the unit's transaction that
      // retry would run as the login role, with no tenant set, and succeed here.
      const outcome = await read().then(
        (rows) => ({ rows: plain(rows) }),
        (error: { code?: string; routine?: string }) => ({ code: error.code, routine: error.routine }),
      );
      expect(outcome).toEqual({ code: '0A000', routine: 'tenancy:RevalidateCachedQuery' });
      // The connection with the stale statement is closed; the next unit prepares it again on a new one.
      expect(plain(await read())).toEqual([{ a: 1, b: null, role: fx.config.roles.app }]);
    } finally {
      await db.sql`alter table stale_probe drop column b`;
    }
  });

  it('keeps the openings of two configs apart on one connection', async () => {
    const { client, log, kinds } = await loggedClient();
    const other = { ...fx.config, settings: { ...fx.config.settings, userId: 'tenancy.merged_test_user' } };
    const read = (t: string, config: typeof fx.config) =>
      withTenantSql(
        client,
        { tenantId: t, userId: A },
        (sql) => sql`select name, tenancy.user_id() as u from projects`,
        {
          config,
        },
      ).then(plain);
    expect(await read(A, fx.config)).toEqual([{ name: 'a-project', u: A }]);
    expect(await read(B, other)).toEqual([{ name: 'b-project', u: null }]);
    log.clear();
    const results = await Promise.all([read(A, other), read(B, fx.config), read(B, other), read(A, fx.config)]);
    expect(results).toEqual([
      [{ name: 'a-project', u: null }],
      [{ name: 'b-project', u: A }],
      [{ name: 'b-project', u: null }],
      [{ name: 'a-project', u: A }],
    ]);
    expect(kinds()).toEqual(['open', 'query', 'open', 'query', 'open', 'query', 'open', 'query']);
  });

  it('fails a unit with a value postgres.js cannot send, without hanging, and the pool carries on', async () => {
    const { client } = await loggedClient();
    createTenantDb({ client, schema, config: fx.config });
    const names = (t: string) =>
      withTenantSql(client, t, (sql) => sql`select name from projects`, { config: fx.config }).then(plain);
    expect(await names(A)).toEqual([{ name: 'a-project' }]);
    // postgres.js serializes values while writing; a symbol throws there. Alone (one Sync) and behind another
    // statement (begin/commit): behind another, postgres.js fails the wrong statement and leaves this one waiting
    // for an answer that never comes, so the lane closes the connection.
    const bad = Symbol('not a value');
    const single = await withTenantSql(client, A, (sql) => sql`select ${bad as unknown as string}::text as v`, {
      config: fx.config,
    }).then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    expect(single).toBe('Cannot convert a Symbol value to a string');
    const behind = await withTenantSql(
      client,
      A,
      (sql) => [sql`select 1 as one`, sql`select ${bad as unknown as string}::text as v`],
      { config: fx.config },
    ).then(
      () => 'resolved',
      (error: { code?: string; details?: { reason?: string } }) => [error.code, error.details?.reason],
    );
    expect(behind).toEqual(['DATABASE_ERROR', 'connection-lost']);
    // The connection is replaced cleanly: nothing postgres.js had not sent yet reaches the next one.
    expect(await client`select 1 as x`.then(plain)).toEqual([{ x: 1 }]);
    expect(await names(B)).toEqual([{ name: 'b-project' }]);
  });

  it('merges raw units on connections opened before the first withTenantSql once prepareTenantSql saw the client', async () => {
    const raw = (client: postgres.Sql, t: string) =>
      withTenantSql(client, t, (sql) => sql`select name from projects`, { config: fx.config });
    // Without it: the connection a plain query opened first keeps its plain socket, and units use begin and commit.
    const late = await loggedClient();
    await late.client`select 1`;
    late.log.clear();
    expect(plain(await raw(late.client, A))).toEqual([{ name: 'a-project' }]);
    expect(late.kinds().filter((k) => k !== 'acquire')).toEqual(['begin', 'query', 'commit']);
    // With it, right after creating the client: the same sequence sends one Sync per unit.
    const early = await loggedClient();
    expect(prepareTenantSql(early.client)).toBe(true);
    await early.client`select 1`;
    early.log.clear();
    expect(plain(await raw(early.client, B))).toEqual([{ name: 'b-project' }]);
    expect(early.kinds().filter((k) => k !== 'acquire')).toEqual(['open', 'query']);
    // A client whose socket it cannot follow says so, and a value that is not a client is refused.
    const url = new URL(early.log.url);
    const withSocket = { socket: () => net.connect(Number(url.port), url.hostname) };
    const own = fx.client({ max: 1, ...(withSocket as postgres.Options<Record<string, postgres.PostgresType>>) });
    expect(prepareTenantSql(own)).toBe(false);
    await own.end();
    expect(() => prepareTenantSql({} as postgres.Sql)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });

  it('uses begin and commit when mergeUnits is false, also on a connection that could merge', async () => {
    const { client, log, kinds } = await loggedClient();
    const merging = createTenantDb({ client, schema, config: fx.config });
    const standard = createTenantDb({ client, schema, config: fx.config, mergeUnits: false });
    const names = (tdb: typeof merging, t: string) =>
      tdb.withTenant(t, (tx) => tx.select({ name: projects.name }).from(projects));
    await names(merging, A);
    log.clear();
    expect(await names(standard, B)).toEqual([{ name: 'b-project' }]);
    expect(await names(merging, A)).toEqual([{ name: 'a-project' }]);
    const raw = await withTenantSql(client, B, (sql) => sql`select name from projects`, {
      config: fx.config,
      mergeUnits: false,
    });
    expect(plain(raw)).toEqual([{ name: 'b-project' }]);
    expect(kinds()).toEqual(['begin', 'query', 'commit', 'open', 'query', 'begin', 'query', 'commit']);
  });

  it('uses begin and commit on a client whose socket it cannot follow', async () => {
    // A socket of the user's own (TLS works the same way): the bytes are not the shim's to read.
    const log = await createWireLog(fx.loginUrl);
    logs.push(log);
    const url = new URL(log.url);
    // postgres.js takes `socket` (a function returning a connected socket) but does not declare it in its types.
    const withSocket = { socket: () => net.connect(Number(url.port), url.hostname) };
    const client = fx.client({ max: 1, ...(withSocket as postgres.Options<Record<string, postgres.PostgresType>>) });
    const kinds = () => log.kinds();
    const tenantDb = createTenantDb({ client, schema, config: fx.config });
    for (const t of [A, B, A]) {
      await tenantDb.withTenant(t, (tx) => tx.select({ name: projects.name }).from(projects));
    }
    expect(kinds().filter((k) => k !== 'acquire')).toEqual([
      ...['begin', 'query', 'commit'],
      ...['begin', 'query', 'commit'],
      ...['begin', 'query', 'commit'],
    ]);
  });
});
