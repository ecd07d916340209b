import { isTenancyError } from '@tenancy/core';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/create-test-database.js';
import type { TenantFixture } from './db-test-fixture.js';
import { inspectPool, setupTenantFixture, tenantIds } from './db-test-fixture.js';
import type { TenantSql } from './tenant-sql.js';
import { withTenantSql } from './with-tenant-sql.js';

const [A, B] = tenantIds(2) as [string, string];
const PA = '10000000-0000-4000-8000-00000000000a';
const PB = '10000000-0000-4000-8000-00000000000b';

let db: TestDatabase;
let fx: TenantFixture;
let sql: postgres.Sql;

const codeOf = async (p: PromiseLike<unknown>): Promise<string | undefined> => {
  try {
    await p;
    return undefined;
  } catch (error) {
    return isTenancyError(error) ? error.code : (error as { code?: string }).code;
  }
};
const plain = (rows: readonly object[]) => rows.map((r) => ({ ...r }));

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await setupTenantFixture(db);
  await db.sql.unsafe(
    `insert into projects (tenant_id, id, name) values ('${A}', '${PA}', 'a-project'), ('${B}', '${PB}', 'b-project')`,
  );
  sql = fx.client({ max: 2 });
});

afterAll(async () => {
  await fx.cleanup();
  await db.drop();
});

const inTenant = <R>(tenant: string, fn: (sql: TenantSql) => R) =>
  withTenantSql(sql, tenant, fn, { config: fx.config });

describe('withTenantSql', () => {
  it('scopes tagged templates and unsafe() to the tenant, as the app role', async () => {
    const rows = await inTenant(A, (sql) => sql`select name, current_user as role from projects`);
    expect(plain(rows)).toEqual([{ name: 'a-project', role: fx.config.roles.app }]);
    const viaUnsafe = await inTenant(B, (sql) => sql.unsafe('select name from projects where id = $1', [PB]));
    expect(plain(viaUnsafe)).toEqual([{ name: 'b-project' }]);
    expect(plain(await inTenant(B, (sql) => sql`select name from projects where id = ${PA}`))).toEqual([]);
  });

  it('resolves an array of queries and keeps helpers and fragments working', async () => {
    const [names, json] = await inTenant(A, (sql) => {
      const where = sql`where name like ${'a-%'}`;
      return [sql`select name from projects ${where}`, sql`select ${sql.json({ k: 1 })}::jsonb as j`] as const;
    });
    expect(plain(names)).toEqual([{ name: 'a-project' }]);
    expect(json[0]?.['j']).toEqual({ k: 1 });
  });

  it('rolls back to a savepoint and keeps the rest of the unit', async () => {
    const names = await inTenant(A, async (sql) => {
      await sql`insert into projects (name) values ('kept')`;
      await sql
        .savepoint(async (sp) => {
          await sp`insert into projects (name) values ('undone')`;
          throw new Error('undo');
        })
        .catch(() => undefined);
      return (await sql`select name from projects order by name`).map((r) => r['name']);
    });
    expect(names).toEqual(['a-project', 'kept']);
    await db.sql`delete from projects where name = 'kept'`;
  });

  it('refuses a returned query built on the unscoped client, without running it', async () => {
    const code = await codeOf(inTenant(A, () => sql`insert into projects (tenant_id, name) values (${B}, 'smuggled')`));
    expect(code).toBe('INVALID_INPUT');
    expect(await db.sql`select name from projects where name = 'smuggled'`).toEqual([]);
  });

  it('makes the handle and its unstarted queries unusable once the unit has ended', async () => {
    let leaked: TenantSql | undefined;
    let pending: postgres.PendingQuery<postgres.Row[]> | undefined;
    await inTenant(A, (sql) => {
      leaked = sql;
      pending = sql`select name from projects`;
      return 1;
    });
    expect(await codeOf(leaked!`select name from projects`)).toBe('TENANT_REQUIRED');
    expect(await codeOf(pending!)).toBe('TENANT_REQUIRED');
  });

  it('streams with forEach and refuses async-iterator cursors', async () => {
    const seen: string[] = [];
    await inTenant(A, (sql) =>
      sql`select name from projects`.forEach((row) => {
        seen.push(row['name'] as string);
      }),
    );
    expect(seen).toEqual(['a-project']);
    expect(
      await codeOf(
        inTenant(A, async (sql) => {
          for await (const _ of sql`select name from projects`.cursor(1)) {
            // never reached
          }
        }),
      ),
    ).toBe('INVALID_INPUT');
  });

  it('sends notify inside the transaction', async () => {
    const received = new Promise<string>((resolve) => {
      void db.sql.listen(`tenant_events_${db.suffix}`, resolve);
    });
    await new Promise((r) => setTimeout(r, 100));
    await inTenant(A, (sql) => sql.notify(`tenant_events_${db.suffix}`, 'hello'));
    expect(await received).toBe('hello');
  });

  it("ignores cancel() of a statement already written: no unit reads another statement's answers", async () => {
    // postgres.js 3.4.9 answers cancel() of a statement written behind a running one by making the statement after it
    // current, which then reads the cancelled one's rows. On one connection, the unit behind is another tenant's.
    const one = fx.client({ max: 1 });
    try {
      await withTenantSql(one, A, (sql) => sql`select 1`, { config: fx.config }); // connected and warm
      let second: { cancel(): unknown } | undefined;
      const first = withTenantSql(
        one,
        A,
        (sql) => {
          const sleep = sql`select pg_sleep(0.3)::text as slept`;
          const names = sql`select name from projects`;
          second = names;
          return [sleep, names] as const;
        },
        { config: fx.config },
      );
      // Chained behind the first unit's COMMIT on the same connection.
      const behind = withTenantSql(one, B, (sql) => sql`select name from projects`, { config: fx.config });
      await new Promise((resolve) => setTimeout(resolve, 100));
      second?.cancel();
      const [[slept], names] = await first;
      expect({ ...slept }).toEqual({ slept: '' });
      expect(plain(names)).toEqual([{ name: 'a-project' }]);
      expect(plain(await behind)).toEqual([{ name: 'b-project' }]);
      // A statement not written yet is still withdrawn by cancel().
      const withdrawn = await codeOf(
        withTenantSql(
          one,
          A,
          async (sql) => {
            const never = sql`select name from projects`;
            never.cancel();
            return never;
          },
          { config: fx.config },
        ),
      );
      expect(withdrawn).toBe('57014');
      // Withdrawn before it started, from a group the callback returns: the group's other statement (a write) does
      // not commit without it.
      const group = await codeOf(
        withTenantSql(
          one,
          A,
          (sql) => {
            const write = sql`insert into projects (name) values ('withdrawn-group')`;
            const read = sql`select name from projects`;
            read.cancel();
            return [write, read] as const;
          },
          { config: fx.config },
        ),
      );
      expect(group).toBe('57014');
      expect(await db.sql`select count(*)::int as n from projects where name = 'withdrawn-group'`).toEqual([{ n: 0 }]);
    } finally {
      await one.end({ timeout: 1 });
    }
  });

  it('validates the tenant id and the config before any I/O', async () => {
    expect(await codeOf(inTenant('nope', (sql) => sql`select 1`))).toBe('INVALID_INPUT');
    expect(
      await codeOf(withTenantSql(sql, A, (sql) => sql`select 1`, { config: { roles: { app: 'Robert"); drop' } } })),
    ).toBe('INVALID_CONFIG');
  });

  it('leaves every pooled connection without tenant or role', async () => {
    const pool = await inspectPool(sql, 2);
    expect(pool.map(({ pid: _, ...rest }) => rest)).toEqual([
      { tenant: null, user: null, workspace: null, role: fx.login },
      { tenant: null, user: null, workspace: null, role: fx.login },
    ]);
  });
});
