import type { AuditEvent } from '@tenancy/core';
import { isTenancyError, runWithTenant } from '@tenancy/core';
import { sql as dsql, eq, placeholder } from 'drizzle-orm';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/create-test-database.js';
import { createRoundTripProxy, type RoundTripProxy } from '../testing/round-trip-proxy.js';
import type { TenantDb } from './create-tenant-db.js';
import { createTenantDb } from './create-tenant-db.js';
import type { TenantFixture } from './db-test-fixture.js';
import { inspectPool, projects, schema, setupTenantFixture, tasks, tenantIds } from './db-test-fixture.js';
import type { TenantDatabase } from './drizzle-handles.js';

const [A, B] = tenantIds(2) as [string, string];
const PA = '10000000-0000-4000-8000-00000000000a';
const PB = '10000000-0000-4000-8000-00000000000b';
const WA1 = '20000000-0000-4000-8000-0000000000a1';
const WA2 = '20000000-0000-4000-8000-0000000000a2';
const USER = '30000000-0000-4000-8000-000000000001';

let db: TestDatabase;
let fx: TenantFixture;
let client: postgres.Sql;
let tenantDb: TenantDb<typeof schema>;
let events: AuditEvent[];
let proxy: RoundTripProxy;

const codeOf = async (p: Promise<unknown>): Promise<string | undefined> => {
  try {
    await p;
    return undefined;
  } catch (error) {
    if (isTenancyError(error)) return error.code;
    const e = error as { code?: string; cause?: { code?: string } };
    return e.code ?? e.cause?.code;
  }
};

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await setupTenantFixture(db);
  await db.sql.unsafe(`
    insert into projects (tenant_id, id, name) values ('${A}', '${PA}', 'a-project'), ('${B}', '${PB}', 'b-project');
    insert into tasks (tenant_id, workspace_id, project_id, title) values
      ('${A}', '${WA1}', '${PA}', 'a-ws1-task'), ('${A}', '${WA2}', '${PA}', 'a-ws2-task');
  `);
  proxy = await createRoundTripProxy({ target: fx.loginUrl });
  client = fx.client({ max: 2 }, proxy.url);
  events = [];
  tenantDb = createTenantDb({
    client,
    schema,
    config: fx.config,
    platformClient: fx.client({ max: 1 }),
    audit: (event) => {
      events.push(event);
    },
  });
});

afterAll(async () => {
  await proxy.close();
  await fx.cleanup();
  await db.drop();
});

describe('createTenantDb().withTenant', () => {
  it('returns only the rows of the given tenant, as the app role', async () => {
    const rows = await tenantDb.withTenant(A, (tx) =>
      tx.select({ id: projects.id, name: projects.name }).from(projects),
    );
    expect(rows).toEqual([{ id: PA, name: 'a-project' }]);
    const [who] = await tenantDb.withTenant(B, (tx) =>
      tx.execute<{ role: string; tenant: string }>(
        dsql`select current_user as role, current_setting('tenancy.tenant_id') as tenant`,
      ),
    );
    expect({ ...who }).toEqual({ role: fx.config.roles.app, tenant: B });
  });

  it('fills tenant_id from the setting on insert and refuses a row for another tenant', async () => {
    const [row] = await tenantDb.withTenant(A, (tx) =>
      tx.insert(projects).values({ name: 'a-new' }).returning({ tenantId: projects.tenantId }),
    );
    expect(row).toEqual({ tenantId: A });
    expect(await codeOf(tenantDb.withTenant(A, (tx) => tx.insert(projects).values({ tenantId: B, name: 'x' })))).toBe(
      '42501',
    );
    await db.sql`delete from projects where name = 'a-new'`;
  });

  it('resolves an array of queries to the array of their results', async () => {
    const [mine, count] = await tenantDb.withTenant(
      A,
      (tx) => [tx.select({ name: projects.name }).from(projects), tx.$count(projects)] as const,
    );
    expect(mine).toEqual([{ name: 'a-project' }]);
    expect(count).toBe(1);
  });

  it('sets user and workspace: a workspace table shows only the current workspace', async () => {
    const rows = await tenantDb.withTenant({ tenantId: A, userId: USER, workspaceId: WA1 }, async (tx) => ({
      titles: (await tx.select({ title: tasks.title }).from(tasks)).map((t) => t.title),
      user: (await tx.execute<{ u: string }>(dsql`select current_setting('tenancy.user_id') as u`))[0]?.u,
    }));
    expect(rows).toEqual({ titles: ['a-ws1-task'], user: USER });
    // No workspace set: the workspace predicate lets nothing through.
    expect(await tenantDb.withTenant(A, (tx) => tx.select().from(tasks))).toEqual([]);
  });

  it('rejects an invalid tenant id with INVALID_INPUT before any I/O', async () => {
    const before = proxy.roundTrips();
    for (const bad of ['not-a-uuid', `${A}' or '1'='1`, '', 42 as unknown as string]) {
      expect(await codeOf(tenantDb.withTenant(bad, (tx) => tx.select().from(projects)))).toBe('INVALID_INPUT');
    }
    expect(await codeOf(tenantDb.withTenant({ tenantId: A, userId: 'u-1' }, (tx) => tx.select().from(projects)))).toBe(
      'INVALID_INPUT',
    );
    expect(proxy.roundTrips()).toBe(before);
  });

  it('rolls back every statement of a unit whose pipelined statement fails, and surfaces the original error', async () => {
    const error = await tenantDb
      .withTenant(A, (tx) => [
        tx.insert(projects).values({ id: '10000000-0000-4000-8000-0000000000f1', name: 'doomed' }),
        tx.insert(projects).values({ id: PA, name: 'duplicate key' }),
      ])
      .then(
        () => undefined,
        (e: unknown) => e as { cause?: { code?: string } },
      );
    expect(error?.cause?.code).toBe('23505');
    expect(await db.sql`select name from projects where name = 'doomed'`).toEqual([]);
  });

  it('fails a unit whose callback swallowed a statement error instead of committing half of it', async () => {
    const result = tenantDb.withTenant(A, async (tx) => {
      await tx.insert(projects).values({ name: 'half' });
      await tx
        .insert(projects)
        .values({ id: PA, name: 'dup' })
        .catch(() => undefined);
      return 'looks fine';
    });
    expect(await codeOf(result)).toBe('23505');
    expect(await db.sql`select name from projects where name = 'half'`).toEqual([]);
  });

  it('runs db.transaction() as a savepoint: an inner rollback keeps the outer work', async () => {
    const names = await tenantDb.withTenant(A, async (tx) => {
      await tx.insert(projects).values({ name: 'outer' });
      await tx
        .transaction(async (inner) => {
          await inner.insert(projects).values({ name: 'inner' });
          inner.rollback();
        })
        .catch(() => undefined);
      return (await tx.select({ name: projects.name }).from(projects).orderBy(projects.name)).map((r) => r.name);
    });
    expect(names).toEqual(['a-project', 'outer']);
    await db.sql`delete from projects where name = 'outer'`;
  });

  it('refuses transaction control inside a unit of work without running it', async () => {
    for (const text of [
      'commit',
      'ROLLBACK',
      '/* x */ begin',
      'reset role',
      'set role postgres',
      'set session authorization default',
    ]) {
      expect(await codeOf(tenantDb.withTenant(A, (tx) => tx.execute(dsql.raw(text))))).toBe('INVALID_INPUT');
    }
    // Hidden behind another statement, the server's answer still gives it away: the unit fails.
    expect(await codeOf(tenantDb.withTenant(A, (tx) => tx.execute(dsql.raw('select 1; commit'))))).toBe(
      'INVALID_INPUT',
    );
  });

  it('honours isolation level and read only', async () => {
    const level = await tenantDb.withTenant(
      A,
      (tx) => tx.execute<{ l: string }>(dsql`select current_setting('transaction_isolation') as l`),
      { isolationLevel: 'serializable' },
    );
    expect(level[0]?.l).toBe('serializable');
    expect(
      await codeOf(tenantDb.withTenant(A, (tx) => tx.insert(projects).values({ name: 'ro' }), { readOnly: true })),
    ).toBe('25006');
  });

  it('cancels the running statement when the signal aborts and rejects with its reason', async () => {
    const started = Date.now();
    const reason = await tenantDb
      .withTenant(A, (tx) => tx.execute(dsql`select pg_sleep(5)`), { signal: AbortSignal.timeout(150) })
      .then(
        () => 'resolved',
        (e: unknown) => (e as Error).name,
      );
    expect(reason).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('cancels a statement the deadline finds written but not yet running on the client side (its opening not answered)', async () => {
    // The server's answers reach the client 400 ms late: when the deadline fires, the server is already sleeping in
    // the statement, but postgres.js has not seen the opening's answer, so the statement is not its current query.
    const slow = await createSlowAnswerProxy(fx.loginUrl);
    const slowClient = fx.client({ max: 1 }, slow.url);
    const slowDb = createTenantDb({ client: slowClient, schema, config: fx.config });
    try {
      await slowDb.withTenant(A, (tx) => tx.select().from(projects)); // connect and warm while answers are prompt
      // The warm unit's connection back in the pool (its lane gives it back a turn later, with one round trip).
      await new Promise((resolve) => setTimeout(resolve, 50));
      slow.delayAnswers(400);
      const started = Date.now();
      const outcome = await slowDb
        .withTenant(A, (tx) => tx.execute(dsql`select pg_sleep(5)`), { signal: AbortSignal.timeout(100) })
        .then(
          () => 'resolved',
          (e: unknown) => (e as Error).name,
        );
      expect(outcome).toBe('TimeoutError');
      // The statement went out (the unit did not just give up waiting for a connection), and was cancelled: left
      // running, the sleep would have held the unit for 5 s.
      expect(slow.sent('pg_sleep(5)')).toBe(true);
      expect(Date.now() - started).toBeLessThan(3_000);
      slow.delayAnswers(0);
      // The connection is clean and usable: nothing of the cancelled unit survives on it.
      expect(await slowDb.withTenant(B, (tx) => tx.select({ id: projects.id }).from(projects))).toEqual([{ id: PB }]);
      const [pool] = await inspectPool(slowClient, 1);
      expect(pool && { tenant: pool.tenant, role: pool.role }).toEqual({ tenant: null, role: fx.login });
    } finally {
      await slowClient.end({ timeout: 1 });
      await slow.close();
    }
  });

  it('makes the handle unusable once its unit has ended', async () => {
    let leaked: TenantDatabase<typeof schema> | undefined;
    await tenantDb.withTenant(A, (tx) => {
      leaked = tx;
      return tx.select().from(projects);
    });
    expect(
      await codeOf(
        leaked!
          .select()
          .from(projects)
          .then((r) => r),
      ),
    ).toBe('TENANT_REQUIRED');
    // Inside another tenant's unit, the old handle still belongs to the old unit: refused, not rerouted.
    const inB = await tenantDb.withTenant(B, async () =>
      codeOf(
        leaked!
          .select()
          .from(projects)
          .then((r) => r),
      ),
    );
    expect(inB).toBe('TENANT_REQUIRED');
  });

  it('refuses statements started after the callback returned', async () => {
    let late: Promise<string | undefined> | undefined;
    await tenantDb.withTenant(A, (tx) => {
      setTimeout(() => {
        late = codeOf(
          tx
            .select()
            .from(projects)
            .then((r) => r),
        );
      }, 0);
      return 1;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(await late).toBe('TENANT_REQUIRED');
  });
});

describe('createTenantDb().prepare', () => {
  it('builds a query once and runs it scoped in any unit of work', async () => {
    const byName = tenantDb.prepare((db) =>
      db
        .select({ id: projects.id })
        .from(projects)
        .where(eq(projects.name, placeholder('name')))
        .prepare('project_by_name'),
    );
    expect(await tenantDb.withTenant(A, (tx) => byName.execute(tx, { name: 'a-project' }))).toEqual([{ id: PA }]);
    // Tenant B's row exists, but not for tenant A.
    expect(await tenantDb.withTenant(A, (tx) => byName.execute(tx, { name: 'b-project' }))).toEqual([]);
    const both = await tenantDb.withTenant(B, (tx) => [
      byName.execute(tx, { name: 'b-project' }),
      byName.execute(tx, { name: 'a-project' }),
    ]);
    expect(both).toEqual([[{ id: PB }], []]);
    const first = tenantDb.prepare((db) => db.query.projects.findFirst({ columns: { name: true } }).prepare('first'));
    expect(await runWithTenant({ tenantId: B }, () => tenantDb.run(async (tx) => first.execute(tx)))).toEqual({
      name: 'b-project',
    });
  });

  it('refuses to run outside a unit of work', async () => {
    const all = tenantDb.prepare((db) => db.select().from(projects).prepare('all_projects'));
    expect(() => all.execute({})).toThrow(expect.objectContaining({ code: 'TENANT_REQUIRED' }));
    let leaked: object | undefined;
    await tenantDb.withTenant(A, (tx) => {
      leaked = tx;
      return 1;
    });
    expect(await codeOf(Promise.resolve(all.execute(leaked!)))).toBe('TENANT_REQUIRED');
  });
});

describe('createTenantDb().run', () => {
  it('throws TENANT_REQUIRED outside a tenant context, before any I/O', async () => {
    const before = proxy.roundTrips();
    expect(await codeOf(tenantDb.run((tx) => tx.select().from(projects)))).toBe('TENANT_REQUIRED');
    expect(proxy.roundTrips()).toBe(before);
  });

  it('takes tenant, user and workspace from the context', async () => {
    const out = await runWithTenant({ tenantId: A, userId: USER, workspaceId: WA2 }, () =>
      tenantDb.run((tx) => tx.select({ title: tasks.title }).from(tasks)),
    );
    expect(out).toEqual([{ title: 'a-ws2-task' }]);
  });

  it('serves relational queries through db.query', async () => {
    const out = await runWithTenant({ tenantId: B }, () =>
      tenantDb.run((tx) => tx.query.projects.findFirst({ where: eq(projects.id, PB), columns: { name: true } })),
    );
    expect(out).toEqual({ name: 'b-project' });
  });
});

describe('createTenantDb().asPlatform', () => {
  it('needs a non-empty reason and an acting principal', async () => {
    expect(await codeOf(tenantDb.asPlatform({ reason: '  ' }, (tx) => tx.select().from(projects)))).toBe(
      'INVALID_INPUT',
    );
    events.length = 0;
    expect(await codeOf(tenantDb.asPlatform({ reason: 'who?' }, (tx) => tx.select().from(projects)))).toBe(
      'INVALID_INPUT',
    );
    expect(events).toEqual([]);
  });

  it('audits a job by the principal it names, across all tenants', async () => {
    events.length = 0;
    const n = await tenantDb.asPlatform({ reason: 'nightly re-index', principalId: 'job:reindex' }, (tx) =>
      tx.$count(projects),
    );
    expect(n).toBe(2);
    expect(events).toEqual([
      {
        type: 'platform.access',
        at: expect.any(String),
        tenantId: '*',
        principalId: 'job:reindex',
        reason: 'nightly re-index',
      },
    ]);
  });

  it('needs a platform client', async () => {
    const noPlatform = createTenantDb({ client, schema, config: fx.config });
    expect(await codeOf(noPlatform.asPlatform({ reason: 'r' }, (tx) => tx.select().from(projects)))).toBe(
      'INVALID_CONFIG',
    );
  });

  it('reads across tenants as the platform role and emits an audit event with the reason', async () => {
    events.length = 0;
    const rows = await runWithTenant({ tenantId: A, userId: USER }, () =>
      tenantDb.asPlatform({ reason: 'INC-1: check both tenants' }, async (tx) => ({
        names: (await tx.select({ name: projects.name }).from(projects).orderBy(projects.name)).map((r) => r.name),
        role: (await tx.execute<{ r: string }>(dsql`select current_user as r`))[0]?.r,
      })),
    );
    expect(rows).toEqual({ names: ['a-project', 'b-project'], role: fx.config.roles.platform });
    expect(events).toEqual([
      {
        type: 'platform.access',
        at: expect.any(String),
        tenantId: A,
        principalId: USER,
        reason: 'INC-1: check both tenants',
      },
    ]);
  });
});

describe('createTenantDb options', () => {
  it('rejects a client that is not postgres.js and one platform client shared with tenant work', () => {
    expect(() => createTenantDb({ client: {} as postgres.Sql })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
    expect(() => createTenantDb({ client, platformClient: client })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
    expect(() => createTenantDb({ client, config: { settings: { tenantId: "x'; drop table projects; --" } } })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', details: { path: ['settings', 'tenantId'] } }),
    );
  });
});

describe('connection hygiene', () => {
  it('leaves no tenant, user, workspace or role on any pooled connection', async () => {
    const pool = await inspectPool(client, 2);
    expect(pool.map(({ pid: _, ...rest }) => rest)).toEqual([
      { tenant: null, user: null, workspace: null, role: fx.login },
      { tenant: null, user: null, workspace: null, role: fx.login },
    ]);
  });
});

/** A TCP proxy in front of `target` that can hold the server's answers back by a fixed delay (requests pass at once). */
async function createSlowAnswerProxy(target: string) {
  const { createServer, connect } = await import('node:net');
  const url = new URL(target);
  let delay = 0;
  const requests: string[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(url.port || 5432), url.hostname);
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      requests.push(chunk.toString('latin1'));
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (delay === 0) client.write(chunk);
      else setTimeout(() => client.write(chunk), delay);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as import('node:net').AddressInfo).port;
  const proxied = new URL(target);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  return {
    url: proxied.toString(),
    /** True when a client sent `text` (in a Parse or a Query) since the proxy started. */
    sent: (text: string) => requests.some((chunk) => chunk.includes(text)),
    delayAnswers(ms: number) {
      delay = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
