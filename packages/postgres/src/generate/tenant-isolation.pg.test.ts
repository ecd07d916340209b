import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedTenancyConfig } from '../config/config-types.js';
import { createTestDatabase, type TestDatabase } from '../testing/create-test-database.js';
import type { TenantContextValues } from './dialects/dialect.js';
import { dropTestRoles, exampleSchemaSql, inUnitOfWork, runScript, sqlState, testConfig } from './example-fixture.js';
import { generateSql } from './generate-sql.js';

// Two tenants, each with one project; tenant A has two workspaces.
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const WA1 = '00000000-0000-4000-8000-0000000000a1';
const WA2 = '00000000-0000-4000-8000-0000000000a2';
const WB1 = '00000000-0000-4000-8000-0000000000b1';
const PA = '10000000-0000-4000-8000-00000000000a';
const PB = '10000000-0000-4000-8000-00000000000b';
// The harness server may use trust or password authentication; a password works with both.
const LOGIN_PASSWORD = 'login-secret';

let db: TestDatabase;
let config: ResolvedTenancyConfig;
let login: string;

const asA: TenantContextValues = { tenantId: A, role: 'app' };
const inTenant = <T>(values: TenantContextValues, fn: (tx: postgres.TransactionSql) => Promise<T>) =>
  inUnitOfWork(db.sql, config, values, fn);

/** Reads as superuser (which RLS does not apply to): the ground truth after an attempted write. */
const projectsAsSuperuser = async () =>
  (await db.sql`select tenant_id, id, name from projects order by tenant_id, name`).map((r) => ({ ...r }));

beforeAll(async () => {
  db = await createTestDatabase();
  config = testConfig(db.suffix);
  login = `tenancy_login_${db.suffix}`;
  await db.sql.unsafe(exampleSchemaSql);
  await runScript(db.url, generateSql(config));
  await db.sql.unsafe(`
    insert into plans values ('free', 'Free', 3), ('pro', 'Pro', 100);
    insert into projects (tenant_id, id, name) values ('${A}', '${PA}', 'a-project'), ('${B}', '${PB}', 'b-project');
    insert into tasks (tenant_id, workspace_id, project_id, title) values
      ('${A}', '${WA1}', '${PA}', 'a-ws1-task'), ('${A}', '${WA2}', '${PA}', 'a-ws2-task'),
      ('${B}', '${WB1}', '${PB}', 'b-ws1-task');
    -- An unprivileged login role, granted the runtime roles the way the docs tell users to grant their app's role.
    create role "${login}" login password '${LOGIN_PASSWORD}';
    grant "${config.roles.app}", "${config.roles.platform}" to "${login}";
  `);
});

afterAll(async () => {
  await dropTestRoles(db.sql, [login, config.roles.app, config.roles.platform]);
  await db.drop();
});

describe('generated policies, as the app role', () => {
  it('SELECT returns only the current tenant rows', async () => {
    const rows = await inTenant(asA, (tx) => tx`select tenant_id, name from projects order by name`);
    expect(rows.map((r) => ({ ...r }))).toEqual([{ tenant_id: A, name: 'a-project' }]);
  });

  it('INSERT fills tenant_id from the setting and refuses a row for another tenant', async () => {
    const [row] = await inTenant(asA, (tx) => tx`insert into projects (name) values ('a-new') returning tenant_id`);
    expect(row?.['tenant_id']).toBe(A);
    const state = await sqlState(inTenant(asA, (tx) => tx`insert into projects (tenant_id, name) values (${B}, 'x')`));
    expect(state).toBe('42501');
    expect((await projectsAsSuperuser()).filter((r) => r['tenant_id'] === B).map((r) => r['name'])).toEqual([
      'b-project',
    ]);
    await db.sql`delete from projects where name = 'a-new'`;
  });

  it('UPDATE and DELETE reach own rows and silently miss other tenants rows', async () => {
    const counts = await inTenant(asA, async (tx) => ({
      updateOther: (await tx`update projects set name = 'hacked' where id = ${PB}`).count,
      deleteOther: (await tx`delete from projects where id = ${PB}`).count,
      updateAll: (await tx`update projects set name = name`).count,
    }));
    expect(counts).toEqual({ updateOther: 0, deleteOther: 0, updateAll: 1 });
    expect(await projectsAsSuperuser()).toEqual([
      { tenant_id: A, id: PA, name: 'a-project' },
      { tenant_id: B, id: PB, name: 'b-project' },
    ]);
  });

  it('UPSERT updates an own row and cannot touch or create another tenant row', async () => {
    await inTenant(
      asA,
      (tx) => tx`insert into projects (tenant_id, id, name) values (${A}, ${PA}, 'a-upserted')
                 on conflict (tenant_id, id) do update set name = excluded.name`,
    );
    const hijack = await sqlState(
      inTenant(
        asA,
        (tx) => tx`insert into projects (tenant_id, id, name) values (${B}, ${PB}, 'hijack')
                   on conflict (tenant_id, id) do update set name = excluded.name`,
      ),
    );
    expect(hijack).toBe('42501');
    expect(await projectsAsSuperuser()).toEqual([
      { tenant_id: A, id: PA, name: 'a-upserted' },
      { tenant_id: B, id: PB, name: 'b-project' },
    ]);
    await db.sql`update projects set name = 'a-project' where id = ${PA}`;
  });

  it('UPDATE ... SET tenant_id = other is refused', async () => {
    const state = await sqlState(inTenant(asA, (tx) => tx`update projects set tenant_id = ${B} where id = ${PA}`));
    expect(state).toBe('42501');
    expect((await db.sql`select tenant_id from projects where id = ${PA}`)[0]?.['tenant_id']).toBe(A);
  });

  it('MERGE updates own rows, never matches another tenant row, and cannot insert into another tenant', async () => {
    const merged = await inTenant(
      asA,
      (tx) => tx`merge into projects p
                 using (values (${PA}::uuid, 'a-merged'), (${PB}::uuid, 'b-merged')) as v(id, name) on p.id = v.id
                 when matched then update set name = v.name`,
    );
    expect(merged.count).toBe(1);
    const intoB = await sqlState(
      inTenant(
        asA,
        (tx) => tx`merge into projects p using (values (${B}::uuid, 'b-merge-insert')) as v(tenant_id, name)
                   on false when not matched then insert (tenant_id, name) values (v.tenant_id, v.name)`,
      ),
    );
    expect(intoB).toBe('42501');
    expect(await projectsAsSuperuser()).toEqual([
      { tenant_id: A, id: PA, name: 'a-merged' },
      { tenant_id: B, id: PB, name: 'b-project' },
    ]);
    await db.sql`update projects set name = 'a-project' where id = ${PA}`;
  });

  it('a permissive USING (true) policy added by someone else does not widen access', async () => {
    await db.sql`create policy someone_elses on projects for all to public using (true) with check (true)`;
    try {
      const names = await inTenant(asA, (tx) => tx`select name from projects order by name`);
      expect(names.map((r) => r['name'])).toEqual(['a-project']);
      const state = await sqlState(
        inTenant(asA, (tx) => tx`insert into projects (tenant_id, name) values (${B}, 'x')`),
      );
      expect(state).toBe('42501');
    } finally {
      await db.sql`drop policy someone_elses on projects`;
    }
  });

  it('TRUNCATE is refused', async () => {
    expect(await sqlState(inTenant(asA, (tx) => tx`truncate projects cascade`))).toBe('42501');
    expect(await sqlState(inTenant(asA, (tx) => tx`truncate plans`))).toBe('42501');
    expect((await projectsAsSuperuser()).length).toBe(2);
  });

  it('a foreign key cannot point at another tenant row', async () => {
    const state = await sqlState(
      inTenant(
        { tenantId: A, workspaceId: WA1, role: 'app' },
        (tx) => tx`insert into tasks (project_id, title) values (${PB}, 'points at b')`,
      ),
    );
    expect(state).toBe('23503');
  });

  it('a leaky function in a WHERE clause only ever sees own rows', async () => {
    await db.sql`create or replace function public.leak(text) returns boolean language plpgsql cost 0.0000001 as
      $$ begin raise notice 'leak: %', $1; return true; end $$`;
    const seen: string[] = [];
    const client = postgres(db.url, { max: 1, onnotice: (notice) => seen.push(String(notice['message'])) });
    try {
      const rows = await inUnitOfWork(
        client,
        config,
        asA,
        (tx) => tx`select name from projects where public.leak(name)`,
      );
      expect(rows.map((r) => r['name'])).toEqual(['a-project']);
      expect(seen).toEqual(['leak: a-project']);
    } finally {
      await client.end();
    }
  });
});

describe('generated policies, without a tenant', () => {
  const noTenant = (client: postgres.Sql, query: (tx: postgres.TransactionSql) => Promise<unknown>) =>
    client.begin(async (tx) => {
      await tx.unsafe(`set local role "${config.roles.app}"`);
      return query(tx);
    });

  it('a fresh connection sees zero rows without an error and cannot write', async () => {
    const client = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const rows = (await noTenant(client, (tx) => tx`select * from projects`)) as unknown[];
      expect(rows).toHaveLength(0);
      expect(((await noTenant(client, (tx) => tx`select * from tasks`)) as unknown[]).length).toBe(0);
      const state = await sqlState(
        noTenant(client, (tx) => tx`insert into projects (tenant_id, name) values (${A}, 'x')`),
      );
      expect(state).toBe('42501');
    } finally {
      await client.end();
    }
  });

  it('a connection reused after a committed tenant transaction sees zero rows without an error', async () => {
    const client = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const first = await inUnitOfWork(client, config, asA, (tx) => tx`select name from projects`);
      expect(first).toHaveLength(1);
      // The setting now reads '' on this connection, not NULL: nullif() keeps the cast from failing.
      const [setting] = await client`select current_setting(${config.settings.tenantId}, true) as value`;
      expect(setting?.['value']).toBe('');
      const rows = (await noTenant(client, (tx) => tx`select * from projects`)) as unknown[];
      expect(rows).toHaveLength(0);
      const update = (await noTenant(client, (tx) => tx`update projects set name = 'x'`)) as { count: number };
      expect(update.count).toBe(0);
      const state = await sqlState(
        noTenant(client, (tx) => tx`insert into projects (tenant_id, name) values (${A}, 'x')`),
      );
      expect(state).toBe('42501');
    } finally {
      await client.end();
    }
  });
});

describe('workspace and global tables', () => {
  it('a workspace table shows only the current workspace, and nothing when no workspace is set', async () => {
    const inWs1 = await inTenant({ tenantId: A, workspaceId: WA1, role: 'app' }, (tx) => tx`select title from tasks`);
    expect(inWs1.map((r) => r['title'])).toEqual(['a-ws1-task']);
    const noWs = await inTenant(asA, (tx) => tx`select title from tasks`);
    expect(noWs).toHaveLength(0);
    const otherTenantsWs = await inTenant(
      { tenantId: A, workspaceId: WB1, role: 'app' },
      (tx) => tx`select title from tasks`,
    );
    expect(otherTenantsWs).toHaveLength(0);
  });

  it('a workspace table fills workspace_id and refuses rows for another workspace', async () => {
    const ws2 = { tenantId: A, workspaceId: WA2, role: 'app' } as const;
    const [row] = await inTenant(
      ws2,
      (tx) => tx`insert into tasks (project_id, title) values (${PA}, 'new') returning workspace_id`,
    );
    expect(row?.['workspace_id']).toBe(WA2);
    const state = await sqlState(
      inTenant(ws2, (tx) => tx`insert into tasks (workspace_id, project_id, title) values (${WA1}, ${PA}, 'x')`),
    );
    expect(state).toBe('42501');
    await db.sql`delete from tasks where title = 'new'`;
  });

  it('a global table is readable by every tenant and writable by none', async () => {
    const plans = await inTenant({ tenantId: B, role: 'app' }, (tx) => tx`select id from plans order by id`);
    expect(plans.map((r) => r['id'])).toEqual(['free', 'pro']);
    expect(await sqlState(inTenant(asA, (tx) => tx`insert into plans values ('x', 'X', 1)`))).toBe('42501');
    expect(await sqlState(inTenant(asA, (tx) => tx`update plans set max_projects = 0`))).toBe('42501');
    expect(await sqlState(inTenant(asA, (tx) => tx`delete from plans`))).toBe('42501');
  });
});

describe('the platform role', () => {
  it('reads and writes across tenants but still cannot move a row between tenants', async () => {
    const asPlatform: TenantContextValues = { tenantId: '', role: 'platform' };
    const rows = await inTenant(asPlatform, (tx) => tx`select name from projects order by name`);
    expect(rows.map((r) => r['name'])).toEqual(['a-project', 'b-project']);
    const state = await sqlState(
      inTenant(asPlatform, (tx) => tx`update projects set tenant_id = ${A} where id = ${PB}`),
    );
    expect(state).toBe('42501');
    await inTenant(asPlatform, (tx) => tx`update plans set max_projects = 5 where id = 'free'`);
    expect((await db.sql`select max_projects from plans where id = 'free'`)[0]?.['max_projects']).toBe(5);
  });
});

describe('RESET ROLE inside a unit of work', () => {
  it('cannot escalate when the login role is unprivileged', async () => {
    const url = new URL(db.url);
    url.username = login;
    url.password = LOGIN_PASSWORD;
    const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
    try {
      const [who] = await client`select current_user as name`;
      expect(who?.['name']).toBe(login);
      const afterReset = await inUnitOfWork(client, config, asA, async (tx) => {
        await tx`reset role`;
        const [user] = await tx`select current_user as name`;
        return {
          user: user?.['name'],
          names: (await tx`select name from projects order by name`).map((r) => r['name']),
        };
      });
      expect(afterReset).toEqual({ user: login, names: ['a-project'] });
      const withoutTenant = await inUnitOfWork(client, config, { tenantId: '', role: 'app' }, async (tx) => {
        await tx`reset role`;
        return tx`select name from projects`;
      });
      expect(withoutTenant).toHaveLength(0);
    } finally {
      await client.end();
    }
  });
});
