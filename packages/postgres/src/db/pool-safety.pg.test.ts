// Thousands of interleaved units of work on a pool of two connections, for random tenants, with failures of every
// kind: callbacks that throw midway, units cancelled by a deadline, a backend killed mid-run. Every row any unit
// sees must be its tenant's, every failure must surface as an error, and no connection may carry a tenant or a
// role once its unit is over.
import { isTenancyError, runWithTenant } from '@tenancy/core';
import { sql as dsql, eq } from 'drizzle-orm';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/create-test-database.js';
import { createTenantDb, type TenantDb } from './create-tenant-db.js';
import type { TenantFixture } from './db-test-fixture.js';
import { inspectPool, projects, schema, setupTenantFixture, tenantIds } from './db-test-fixture.js';
import { withTenantSql } from './with-tenant-sql.js';

const TENANTS = tenantIds(20);
const ROWS_PER_TENANT = 5;
const UNITS = 3_000;
const CONCURRENCY = 40;

let db: TestDatabase;
let fx: TenantFixture;
let client: postgres.Sql;
let tenantDb: TenantDb<typeof schema>;

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await setupTenantFixture(db);
  await db.sql.unsafe(`
    insert into projects (tenant_id, name)
    select t.id, t.id || '-p' || i from unnest(array['${TENANTS.join("','")}']::uuid[]) as t(id), generate_series(1, ${ROWS_PER_TENANT}) as i
  `);
  client = fx.client({ max: 2 });
  tenantDb = createTenantDb({ client, schema, config: fx.config });
});

afterAll(async () => {
  await fx.cleanup();
  await db.drop();
});

class Boom extends Error {}

type Outcome = 'ok' | 'thrown' | 'timed-out' | 'connection-lost' | 'probe';

/** Sorts an error into the failures this test provokes; anything else is a finding. */
function classify(error: unknown): Outcome | undefined {
  if (error instanceof Boom) return 'thrown';
  if ((error as { name?: string }).name === 'TimeoutError') return 'timed-out';
  const lost = (e: unknown) => isTenancyError(e, 'DATABASE_ERROR') && e.details?.['reason'] === 'connection-lost';
  if (lost(error) || lost((error as { cause?: unknown }).cause)) return 'connection-lost';
  // The statement that was on the wire when its backend died fails with the driver's or the socket's error.
  const cause = (error as { cause?: { code?: string; syscall?: string } }).cause;
  const code = (error as { code?: string }).code ?? cause?.code;
  const socket = (error as { syscall?: string }).syscall ?? cause?.syscall;
  if (code === '57P01' || code === 'CONNECTION_CLOSED' || code === 'CONNECTION_DESTROYED' || socket !== undefined) {
    return 'connection-lost';
  }
  return undefined;
}

describe('pool safety', () => {
  it('keeps every unit inside its tenant under failures, cancellations and a killed connection', async () => {
    const violations: string[] = [];
    const unexpected: unknown[] = [];
    const outcomes: Record<Outcome, number> = { ok: 0, thrown: 0, 'timed-out': 0, 'connection-lost': 0, probe: 0 };
    const expectRows = (tenant: string, rows: Array<{ tenantId: string }>, where: string) => {
      if (rows.length !== ROWS_PER_TENANT || rows.some((r) => r.tenantId !== tenant)) {
        violations.push(`${where}: unit for ${tenant} saw ${JSON.stringify(rows.map((r) => r.tenantId))}`);
      }
    };

    // One unit of work of a random shape. Returns normally only if everything it saw was right.
    const unit = async (i: number): Promise<void> => {
      const tenant = TENANTS[Math.floor(Math.random() * TENANTS.length)]!;
      const shape = i % 7;
      const cols = { tenantId: projects.tenantId };
      switch (shape) {
        case 0: {
          // Pipelined: the query travels with BEGIN and COMMIT.
          expectRows(tenant, await tenantDb.withTenant(tenant, (tx) => tx.select(cols).from(projects)), 'pipelined');
          return;
        }
        case 1: {
          // Awaited statements, checking the settings and the role in between.
          await tenantDb.withTenant(tenant, async (tx) => {
            const [s] = await tx.execute<{ t: string; u: string }>(
              dsql`select current_setting('tenancy.tenant_id') as t, current_user as u`,
            );
            if (s?.t !== tenant || s?.u !== fx.config.roles.app) violations.push(`settings: ${JSON.stringify(s)}`);
            expectRows(tenant, await tx.select(cols).from(projects), 'awaited');
            expectRows(tenant, await tx.select(cols).from(projects).where(eq(projects.tenantId, tenant)), 'filtered');
          });
          return;
        }
        case 2: {
          // Throws midway, after a write: the write must not survive.
          await tenantDb.withTenant(tenant, async (tx) => {
            await tx.insert(projects).values({ name: `ghost-${i}` });
            expectRows(tenant, await tx.select(cols).from(projects).where(dsql`name not like 'ghost-%'`), 'pre-throw');
            throw new Boom();
          });
          return;
        }
        case 3: {
          // A deadline that lands anywhere: while waiting for a connection, during the sleep, after it, never.
          await tenantDb.withTenant(
            tenant,
            async (tx) => {
              await tx.execute(dsql`select pg_sleep(0.005)`);
              expectRows(tenant, await tx.select(cols).from(projects), 'post-sleep');
            },
            { signal: AbortSignal.timeout(1 + (i % 25)) },
          );
          return;
        }
        case 4: {
          // Through the context, as request handlers do.
          const rows = await runWithTenant({ tenantId: tenant }, () =>
            tenantDb.run((tx) => [tx.select(cols).from(projects), tx.select(cols).from(projects)] as const),
          );
          expectRows(tenant, rows[0], 'run-0');
          expectRows(tenant, rows[1], 'run-1');
          return;
        }
        case 5: {
          // Raw postgres.js.
          const rows = await withTenantSql(client, tenant, (sql) => sql`select tenant_id from projects`, {
            config: fx.config,
          });
          expectRows(
            tenant,
            rows.map((r) => ({ tenantId: r['tenant_id'] as string })),
            'raw',
          );
          return;
        }
        default: {
          // An unscoped query on the same pool, between units: it must find nothing left behind.
          const result = await client<[{ t: string | null; u: string }]>`
            select nullif(current_setting('tenancy.tenant_id', true), '') as t, current_user as u`;
          const [s] = result;
          if (s?.t !== null || s?.u !== fx.login) {
            // What the query got instead: which answer it was handed tells which statement it was mixed up with.
            const { command, count } = result;
            violations.push(`leak into the pool: ${JSON.stringify(s)} (${command} ${count})`);
          }
          outcomes.probe += 1;
          throw Object.assign(new Error('probe'), { probe: true });
        }
      }
    };

    let next = 0;
    let killed = 0;
    // The first kill hits a unit between two statements: its own backend, so it is sure to be seen (a random unit
    // between statements may end with its own error first: a throw, a deadline). The second kill hits whatever some
    // connection is doing.
    const killOwnBackend = (i: number) =>
      tenantDb.withTenant(TENANTS[i % TENANTS.length]!, async (tx) => {
        const [own] = await tx.execute<{ pid: number }>(dsql`select pg_backend_pid() as pid`);
        const [row] = await db.sql<[{ ok: boolean }]>`select pg_terminate_backend(${own?.pid ?? 0}) as ok`;
        if (row?.ok) killed += 1;
        await tx.execute(dsql`select 1`);
        violations.push(`unit ${i} ran a statement on its killed backend`);
      });
    const kill = async () => {
      const states = ['idle in transaction', 'active', 'idle'];
      const [victim] = await db.sql<[{ pid: number }?]>`
        select pid from pg_stat_activity
        where usename = ${fx.login} and datname = ${db.name} and state = any(${states})
        order by random() limit 1`;
      if (victim === undefined) return false;
      const [row] = await db.sql<[{ ok: boolean }]>`select pg_terminate_backend(${victim.pid}) as ok`;
      if (row?.ok) killed += 1;
      return row?.ok === true;
    };
    const worker = async () => {
      while (next < UNITS) {
        const i = next++;
        if (i === Math.floor((2 * UNITS) / 3) && killed < 2) {
          for (let tries = 0; tries < 50 && !(await kill()); tries++) await new Promise((r) => setTimeout(r, 1));
        }
        let watchdog: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            i === Math.floor(UNITS / 3) ? killOwnBackend(i) : unit(i),
            new Promise((_, reject) => {
              watchdog = setTimeout(() => reject(new Error(`unit ${i} (shape ${i % 7}) hung`)), 20_000);
            }),
          ]);
          outcomes.ok += 1;
        } catch (error) {
          if ((error as { probe?: boolean }).probe) continue;
          const kind = classify(error);
          if (kind === undefined) unexpected.push(error);
          else outcomes[kind] += 1;
        } finally {
          clearTimeout(watchdog);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(violations).toEqual([]);
    expect(unexpected.map((e) => `${(e as Error).message} ${String((e as { code?: unknown }).code)}`)).toEqual([]);
    expect(killed).toBe(2);
    expect(outcomes.ok + outcomes.thrown + outcomes['timed-out'] + outcomes['connection-lost'] + outcomes.probe).toBe(
      UNITS,
    );
    // Every shape ran, and the failures that were provoked happened.
    expect(outcomes.ok).toBeGreaterThan(UNITS / 2);
    expect(outcomes.thrown).toBeGreaterThan(UNITS / 10);
    expect(outcomes['timed-out']).toBeGreaterThan(0);
    expect(outcomes['connection-lost']).toBeGreaterThan(0);
    // No write of a failed unit survived.
    expect(await db.sql`select count(*)::int as n from projects where name like 'ghost-%'`).toEqual([{ n: 0 }]);
    // And nothing is left on the connections.
    const pool = await inspectPool(client, 2);
    expect(pool.map(({ pid: _, ...rest }) => rest)).toEqual([
      { tenant: null, user: null, workspace: null, role: fx.login },
      { tenant: null, user: null, workspace: null, role: fx.login },
    ]);
  }, 180_000);

  it('survives deadlines that cancel running statements: cancels never reach another unit', async () => {
    const results = { ok: 0, timedOut: 0 };
    const unexpected: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < 300) {
        const i = next++;
        const tenant = TENANTS[i % TENANTS.length]!;
        try {
          // Half the units have a deadline that lands during or right after the sleep; the other half none, so a
          // stray cancel from a neighbour would fail them.
          const signal = i % 2 === 0 ? AbortSignal.timeout(5 + (i % 40)) : undefined;
          const rows = await tenantDb.withTenant(
            tenant,
            async (tx) => {
              await tx.execute(dsql`select pg_sleep(0.02)`);
              return tx.select({ tenantId: projects.tenantId }).from(projects);
            },
            { signal },
          );
          if (rows.length !== ROWS_PER_TENANT || rows.some((r) => r.tenantId !== tenant)) unexpected.push('rows');
          results.ok += 1;
        } catch (error) {
          if ((error as { name?: string }).name === 'TimeoutError' && i % 2 === 0) results.timedOut += 1;
          else unexpected.push(`${i}: ${(error as Error).message} ${String((error as { code?: unknown }).code)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    expect(unexpected).toEqual([]);
    expect(results.ok + results.timedOut).toBe(300);
    expect(results.timedOut).toBeGreaterThan(30);
    // Every unit without a deadline (150) succeeded: a stray cancel would have failed one. Whether any unit with a
    // deadline beats it depends on the machine's load, so that is not asserted.
    expect(results.ok).toBeGreaterThanOrEqual(150);
    const pool = await inspectPool(client, 2);
    expect(pool.map(({ pid: _, ...rest }) => rest)).toEqual([
      { tenant: null, user: null, workspace: null, role: fx.login },
      { tenant: null, user: null, workspace: null, role: fx.login },
    ]);
  }, 120_000);
});
