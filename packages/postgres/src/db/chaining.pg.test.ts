// Units of work sharing a connection in turn (lane.ts): when every connection is held, a unit writes its whole
// transaction behind one whose COMMIT is already written. Each must still see only its tenant, a failure must stay in
// its own transaction, and nothing may survive on the connection afterwards.
import { sql as dsql, eq } from 'drizzle-orm';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/create-test-database.js';
import { createRoundTripProxy, type RoundTripProxy } from '../testing/round-trip-proxy.js';
import { createTenantDb, type TenantDb } from './create-tenant-db.js';
import type { TenantFixture } from './db-test-fixture.js';
import { connectionState, createWireLog, projects, schema, setupTenantFixture, tenantIds } from './db-test-fixture.js';
import { compileRuntimeConfig } from './runtime-config.js';
import { classifyRawReturned, createTenantSql } from './tenant-sql.js';
import { UnitOfWork } from './unit-of-work.js';
import { withTenantSql } from './with-tenant-sql.js';

const [A, B] = tenantIds(2) as [string, string];
const PA = '10000000-0000-4000-8000-00000000000a';
const PB = '10000000-0000-4000-8000-00000000000b';

let db: TestDatabase;
let fx: TenantFixture;
let proxy: RoundTripProxy;
let client: postgres.Sql;
let tenantDb: TenantDb<typeof schema>;

const names = (tx: Parameters<Parameters<TenantDb<typeof schema>['run']>[0]>[0]) =>
  tx.select({ name: projects.name }).from(projects).orderBy(projects.name);
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await setupTenantFixture(db);
  await db.sql.unsafe(
    `insert into projects (tenant_id, id, name) values ('${A}', '${PA}', 'a-project'), ('${B}', '${PB}', 'b-project')`,
  );
  proxy = await createRoundTripProxy({ target: fx.loginUrl });
  client = fx.client({ max: 1 }, proxy.url);
  tenantDb = createTenantDb({ client, schema, config: fx.config });
  // Warm the statements, so every unit below is one burst.
  await tenantDb.withTenant(A, (tx) => [names(tx), tx.execute(dsql`select pg_sleep(0)`)]);
});

afterAll(async () => {
  await fx.cleanup();
  await proxy.close();
  await db.drop();
});

describe('units of work chained on one connection', () => {
  it('writes units behind a running one instead of waiting for the connection, each in its own tenant', async () => {
    proxy.reset();
    // The first unit holds the only connection for 200 ms; its COMMIT is written at once.
    const slow = tenantDb.withTenant(A, (tx) => [tx.execute(dsql`select pg_sleep(0.2)`), names(tx)]);
    await tick();
    const tenants = [B, A, B, A, B];
    const chained: Array<Promise<{ name: string }[]>> = [];
    for (const t of tenants) {
      chained.push(tenantDb.withTenant(t, (tx) => names(tx)));
      // As requests arrive: each unit opens after the one before it has written its COMMIT.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await Promise.all([slow, ...chained]);
    // Two turns for all six: the first unit's, then the five chained ones together while it sleeps. Each waiting for
    // the connection would take a turn of its own after the unit before it.
    expect(proxy.roundTrips()).toBe(2);
    expect(results[0]?.[1]).toEqual([{ name: 'a-project' }]);
    expect(results.slice(1)).toEqual(tenants.map((t) => [{ name: t === A ? 'a-project' : 'b-project' }]));
  });

  it('keeps a failure inside its own transaction: the units around it commit, and writes stay in their tenant', async () => {
    const slow = tenantDb.withTenant(A, (tx) => tx.execute(dsql`select pg_sleep(0.1)`));
    await tick();
    const before = tenantDb.withTenant(B, (tx) =>
      tx.insert(projects).values({ name: 'b-chained' }).returning({ tenantId: projects.tenantId }),
    );
    const failing = tenantDb.withTenant(A, (tx) => [
      tx.insert(projects).values({ name: 'a-lost' }),
      tx.execute(dsql`select 1 / 0`),
    ]);
    const after = tenantDb.withTenant(A, (tx) =>
      tx.insert(projects).values({ name: 'a-chained' }).returning({ tenantId: projects.tenantId }),
    );
    const settled = await Promise.allSettled([slow, before, failing, after]);
    onTestFinished(async () => {
      await db.sql`delete from projects where name in ('b-chained', 'a-lost', 'a-chained')`;
    });
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[2] as PromiseRejectedResult).reason).toMatchObject({ cause: { code: '22012' } });
    expect((settled[1] as PromiseFulfilledResult<unknown>).value).toEqual([{ tenantId: B }]);
    expect((settled[3] as PromiseFulfilledResult<unknown>).value).toEqual([{ tenantId: A }]);
    const rows = await db.sql<{ tenant_id: string; name: string }[]>`
      select tenant_id, name from projects where name in ('b-chained', 'a-lost', 'a-chained') order by name`;
    expect(rows.map((r) => ({ ...r }))).toEqual([
      { tenant_id: A, name: 'a-chained' },
      { tenant_id: B, name: 'b-chained' },
    ]);
  });

  it('lets a chained unit await between statements; later units wait for its COMMIT, not for a connection', async () => {
    const slow = tenantDb.withTenant(A, (tx) => tx.execute(dsql`select pg_sleep(0.05)`));
    await tick();
    const awaiting = tenantDb.withTenant(B, async (tx) => {
      const first = await names(tx);
      const second = await names(tx);
      return [...first, ...second];
    });
    const raw = withTenantSql(client, A, (sql) => sql`select name from projects order by name`, {
      config: fx.config,
    });
    const drizzleUnit = tenantDb.withTenant(B, (tx) => tx.select().from(projects).where(eq(projects.id, PA)));
    const [, both, rawRows, crossTenant] = await Promise.all([slow, awaiting, raw, drizzleUnit]);
    expect(both).toEqual([{ name: 'b-project' }, { name: 'b-project' }]);
    expect(rawRows.map((r) => ({ ...r }))).toEqual([{ name: 'a-project' }]);
    // Tenant A's row id asked for from tenant B: not visible.
    expect(crossTenant).toEqual([]);
  });

  it('leaves nothing on the connection after a chain: no tenant, no role, no transaction', async () => {
    const slow = tenantDb.withTenant(A, (tx) => tx.execute(dsql`select pg_sleep(0.05)`));
    await tick();
    await Promise.all([slow, ...[B, A, B].map((t) => tenantDb.withTenant(t, (tx) => names(tx)))]);
    expect(await connectionState(client)).toEqual({ tenant: '', role: fx.login, inTransaction: false });
  });

  it('reuses an idle connection for the next unit without asking the pool, and gives it back a turn later', async () => {
    const log = await createWireLog(fx.loginUrl);
    const logged = fx.client({ max: 1 }, log.url);
    const logDb = createTenantDb({ client: logged, schema, config: fx.config });
    const kinds = () => log.kinds();
    await logged`select 1`; // connects (and fetches types) first
    log.clear();
    for (const t of [A, B, A]) await logDb.withTenant(t, (tx) => names(tx));
    // One request for a connection, then three transactions on it, each its opening and its statement under one
    // Sync, with no begin or commit.
    expect(log.groups()).toEqual([['acquire'], ['open', 'query'], ['open', 'query'], ['open', 'query']]);
    log.clear();
    await new Promise((resolve) => setImmediate(resolve));
    // Given back with an empty statement; the pool's next user finds no transaction, tenant or role of ours.
    const [state] = await logged<{ tenant: string | null; role: string }[]>`
      select current_setting('tenancy.tenant_id', true) as tenant, current_user as role`;
    expect(kinds()).toEqual(['acquire', 'query']);
    expect(state?.tenant ?? '').toBe('');
    expect(state?.role).toBe(fx.login);
    // A unit with an abort signal never keeps the connection for the next one.
    log.clear();
    await logDb.withTenant(A, (tx) => names(tx), { signal: AbortSignal.timeout(5_000) });
    await logDb.withTenant(B, (tx) => names(tx));
    expect(kinds()).toEqual(['acquire', 'begin', 'query', 'commit', 'acquire', 'acquire', 'open', 'query']);
    await log.close();
  });

  it('serves waiting units and plain queries while other units keep every connection busy', async () => {
    const busyClient = fx.client({ max: 1 });
    const busyDb = createTenantDb({ client: busyClient, schema, config: fx.config });
    let stop = false;
    let served = 0;
    // Workers that reopen a unit the moment theirs ends, each written behind the others': the one connection always
    // has units in flight while they run, so it is never idle.
    const workers = [A, B, A, B].map(async (t) => {
      while (!stop) {
        const [, rows] = await busyDb.withTenant(t, (tx) => [tx.execute(dsql`select pg_sleep(0.002)`), names(tx)]);
        expect(rows).toEqual([{ name: t === A ? 'a-project' : 'b-project' }]);
        served++;
      }
    });
    try {
      while (served < 8) await tick();
      // Neither waits for the workers to stop: they stop only once both are served.
      const chained = await busyDb.withTenant(B, (tx) => names(tx));
      const alone = await busyDb.withTenant(A, (tx) => names(tx), { signal: AbortSignal.timeout(10_000) });
      // A plain query on the same client waits in postgres.js's own queue: lanes hand the connection back to the
      // pool now and then, so it gets its turn too, outside any transaction and as the login role.
      const [plain] = await busyClient<{ tenant: string | null; role: string }[]>`
        select nullif(current_setting('tenancy.tenant_id', true), '') as tenant, current_user as role`;
      expect(chained).toEqual([{ name: 'b-project' }]);
      expect(alone).toEqual([{ name: 'a-project' }]);
      expect({ ...plain }).toEqual({ tenant: null, role: fx.login });
    } finally {
      stop = true;
      await Promise.all(workers);
    }
  });

  it('lets client.end() finish right after a burst of units, and while units are still in flight', async () => {
    // 50 callers on a pool of 10, as the wrapper benchmark runs them: lanes hold connections, chain units, and keep
    // an idle connection until the next turn. end() waits for connections that are reserved; a lane that never
    // gave its connection back would make it wait forever.
    const watchdog = <T>(promise: Promise<T>, what: string) =>
      Promise.race([
        promise,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`${what} did not finish in 10 s`)), 10_000),
        ),
      ]);
    const burst = async (burstDb: TenantDb<typeof schema>, units: number) => {
      const seen: string[] = [];
      await Promise.all(
        Array.from({ length: 50 }, async (_, caller) => {
          for (let i = caller; i < units; i += 50) {
            const t = i % 3 === 0 ? B : A;
            const rows = await burstDb.withTenant(t, (tx) => names(tx));
            seen.push(rows.map((r) => r.name).join() === (t === A ? 'a-project' : 'b-project') ? 'ok' : 'wrong');
          }
        }),
      );
      return seen;
    };
    const settled = fx.client({ max: 10 });
    const seen = await burst(createTenantDb({ client: settled, schema, config: fx.config }), 500);
    expect(seen.filter((x) => x === 'ok')).toHaveLength(500);
    await watchdog(settled.end(), 'end() after the burst');

    const busy = fx.client({ max: 10 });
    const running = burst(createTenantDb({ client: busy, schema, config: fx.config }), 500);
    await tick();
    // Ending while units run: units fail as with a lost connection (or postgres.js's CONNECTION_ENDED, for one that
    // had not reached a connection yet), typed, and nothing hangs.
    const ended = watchdog(busy.end(), 'end() during the burst');
    const outcome = await watchdog(
      running.then(
        () => 'all ran',
        (error: unknown) => (error as { code?: unknown }).code,
      ),
      'the burst',
    );
    await ended;
    expect(['all ran', 'DATABASE_ERROR', 'CONNECTION_ENDED']).toContain(outcome);
  });

  it('serves a waiting unit on a new connection when the one it waited for is killed', async () => {
    const killClient = fx.client({ max: 1 });
    const killDb = createTenantDb({ client: killClient, schema, config: fx.config });
    let pid: number | undefined;
    // Holds the only connection with its transaction open (it awaits), so the next unit has to wait.
    const holder = killDb.withTenant(A, async (tx) => {
      const [row] = await tx.execute<{ pid: number }>(dsql`select pg_backend_pid() as pid`);
      pid = row?.pid;
      await tx.execute(dsql`select pg_sleep(5)`);
      return 'not reached';
    });
    while (pid === undefined) await tick();
    const waiting = killDb.withTenant(B, (tx) => names(tx));
    await tick();
    await db.sql`select pg_terminate_backend(${pid})`;
    const [held, served] = await Promise.allSettled([holder, waiting]);
    expect(held).toMatchObject({
      status: 'rejected',
      reason: { cause: { code: expect.stringMatching(/^(CONNECTION_CLOSED|57P01)$/) } },
    });
    // postgres.js hands the killed backend's error to the first statement on the reconnected connection: the lane
    // pool asks again instead of failing the waiting unit with it.
    expect(served).toEqual({ status: 'fulfilled', value: [{ name: 'b-project' }] });
  });

  it('fails a unit whose opening message failed, even when its statements ran without error', async () => {
    // A failed opening means no `begin` ran: the unit's statements would run outside any transaction, as the login
    // role (which fails closed). One that needs no table, like this one, even succeeds; the unit must not.
    const runtime = { ...compileRuntimeConfig(fx.config), prelude: () => 'begin; select (' };
    const unit = UnitOfWork.open({
      client,
      runtime,
      values: [A, '', '', fx.config.roles.app],
      begin: 'begin',
      prepare: true,
    });
    const outcome = await unit
      // Two statements: a unit of one may go out merged, with the opening statement instead of this prelude.
      .execute(createTenantSql(unit), (sql) => [sql`select 1 as one`, sql`select 2 as two`], classifyRawReturned)
      .then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
    expect(outcome).toMatchObject({ error: { code: '42601' } });
    // The connection is clean for the next unit.
    expect(await tenantDb.withTenant(B, (tx) => names(tx))).toEqual([{ name: 'b-project' }]);
  });
});
