// The wrapper behind a real PgBouncer in transaction mode, with one server connection: every unit of work of every
// client runs on the same backend, so anything a unit left behind would show up in the next one.
import { runWithTenant } from '@tenancy/core';
import { sql as dsql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/create-test-database.js';
import { type PgBouncer, startPgBouncer, versionAtLeast } from '../testing/pgbouncer.js';
import { createTenantDb, type TenantDb } from './create-tenant-db.js';
import type { TenantFixture } from './db-test-fixture.js';
import { projects, schema, setupTenantFixture, tenantIds } from './db-test-fixture.js';
import { withTenantSql } from './with-tenant-sql.js';

const TENANTS = tenantIds(10);

let db: TestDatabase;
let fx: TenantFixture;
let bouncer: PgBouncer;
let client: postgres.Sql;
let tenantDb: TenantDb<typeof schema>;
let serverPid: number;

/** What the (single) server connection carries between transactions, read through PgBouncer by another client. */
async function between(): Promise<{ pid: number; tenant: string | null; role: string }> {
  const probe = postgres(bouncer.url, { max: 1, prepare: false, onnotice: () => {} });
  try {
    const [row] = await probe<[{ pid: number; tenant: string | null; role: string }]>`
      select pg_backend_pid() as pid, nullif(current_setting('tenancy.tenant_id', true), '') as tenant,
             current_user as role`;
    return { ...row! };
  } finally {
    await probe.end();
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await setupTenantFixture(db);
  await db.sql.unsafe(`
    insert into projects (tenant_id, name)
    select t.id, t.id || '-p' || i from unnest(array['${TENANTS.join("','")}']::uuid[]) as t(id), generate_series(1, 3) as i
  `);
  bouncer = await startPgBouncer({ target: fx.loginUrl, users: [fx.login], defaultPoolSize: 1 });
  // PgBouncer before 1.21 cannot carry named prepared statements across transactions: prepare: false, as for
  // Supavisor. The wrapper reads it from the client's options.
  client = fx.client({ max: 4, prepare: false }, bouncer.url);
  tenantDb = createTenantDb({ client, schema, config: fx.config });
  serverPid = (await between()).pid;
});

afterAll(async () => {
  await fx.cleanup();
  await bouncer.stop();
  await db.drop();
});

describe('the wrapper behind PgBouncer (transaction mode)', () => {
  it('scopes units of work to their tenant', async () => {
    const [a, b] = TENANTS as [string, string];
    const rows = await tenantDb.withTenant(a, (tx) => tx.select({ tenantId: projects.tenantId }).from(projects));
    expect(rows).toEqual([{ tenantId: a }, { tenantId: a }, { tenantId: a }]);
    const [inserted] = await tenantDb.withTenant(b, (tx) =>
      tx.insert(projects).values({ name: 'via-bouncer' }).returning({ tenantId: projects.tenantId }),
    );
    expect(inserted).toEqual({ tenantId: b });
    const raw = await withTenantSql(client, a, (sql) => sql`select count(*)::int as n from projects`, {
      config: fx.config,
    });
    expect(raw[0]?.['n']).toBe(3);
    await db.sql`delete from projects where name = 'via-bouncer'`;
  });

  it('keeps interleaved units of many clients and tenants apart on one server connection', async () => {
    const wrong: string[] = [];
    const pids = new Set<number>();
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const tenant = TENANTS[i % TENANTS.length]!;
        const work = async () => {
          const out = await tenantDb.run(async (tx) => {
            const [s] = await tx.execute<{ t: string; u: string; pid: number }>(
              dsql`select current_setting('tenancy.tenant_id') as t, current_user as u, pg_backend_pid() as pid`,
            );
            const rows = await tx.select({ tenantId: projects.tenantId }).from(projects);
            return { s, rows };
          });
          pids.add(out.s!.pid);
          if (out.s?.t !== tenant || out.s?.u !== fx.config.roles.app) wrong.push(`settings ${JSON.stringify(out.s)}`);
          if (out.rows.length !== 3 || out.rows.some((r) => r.tenantId !== tenant)) wrong.push(`rows for ${tenant}`);
        };
        await runWithTenant({ tenantId: tenant }, work);
      }),
    );
    expect(wrong).toEqual([]);
    expect([...pids]).toEqual([serverPid]);
  });

  it('leaves nothing on the server connection after commits, failures and cancellations', async () => {
    const [a] = TENANTS as [string];
    await tenantDb.withTenant(a, (tx) => tx.select().from(projects));
    expect(await between()).toEqual({ pid: serverPid, tenant: null, role: fx.login });
    await expect(
      tenantDb.withTenant(a, async (tx) => {
        await tx.select().from(projects);
        throw new Error('midway');
      }),
    ).rejects.toThrow('midway');
    expect(await between()).toEqual({ pid: serverPid, tenant: null, role: fx.login });
    await expect(
      tenantDb.withTenant(a, (tx) => tx.execute(dsql`select pg_sleep(2)`), { signal: AbortSignal.timeout(100) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(await between()).toEqual({ pid: serverPid, tenant: null, role: fx.login });
    await expect(tenantDb.withTenant(a, (tx) => tx.execute(dsql`select 1/0`))).rejects.toMatchObject({
      cause: { code: '22012' },
    });
    expect(await between()).toEqual({ pid: serverPid, tenant: null, role: fx.login });
  });

  it('uses named prepared statements only where PgBouncer can carry them (1.21+)', async () => {
    if (versionAtLeast(bouncer.version, 1, 21)) {
      const prepared = await startPgBouncer({
        target: fx.loginUrl,
        users: [fx.login],
        defaultPoolSize: 1,
        maxPreparedStatements: 100,
      });
      try {
        expect(prepared.supportsPreparedStatements).toBe(true);
        const preparedDb = createTenantDb({ client: fx.client({ max: 4 }, prepared.url), schema, config: fx.config });
        const results = await Promise.all(
          TENANTS.map((t) =>
            preparedDb.withTenant(t, (tx) => tx.select({ tenantId: projects.tenantId }).from(projects)),
          ),
        );
        expect(results.map((rows, i) => rows.every((r) => r.tenantId === TENANTS[i]) && rows.length === 3)).toEqual(
          TENANTS.map(() => true),
        );
      } finally {
        await prepared.stop();
      }
    } else {
      // The installed PgBouncer predates max_prepared_statements: asking for it changes nothing.
      const old = await startPgBouncer({ target: fx.loginUrl, users: [fx.login], maxPreparedStatements: 100 });
      try {
        expect(old.supportsPreparedStatements).toBe(false);
      } finally {
        await old.stop();
      }
    }
  });
});
