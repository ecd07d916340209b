import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FoundationTestDatabase } from '../foundation/test-foundation.js';
import { createFoundationTestDatabase } from '../foundation/test-foundation.js';
import type { CreateTenantResult } from '../lifecycle/create-tenant.js';
import type { TenantLifecycle } from '../lifecycle/create-tenant-lifecycle.js';
import { createTenantLifecycle } from '../lifecycle/create-tenant-lifecycle.js';
import { eraseTenant } from './erase-tenant.js';
import { eraseUserData } from './erase-user-data.js';
import type { ExportProgress } from './export-tenant.js';
import { exportTenant } from './export-tenant.js';
import { configuredTenantTables, tableKey } from './tenant-tables.js';

// Your tables next to the foundation: a tenant table, a child of it, and a workspace table.
const USER_TABLES = `
create table public.projects (
  tenant_id uuid not null references tenancy.tenants (id),
  id uuid not null default gen_random_uuid(),
  owner_id uuid,
  name text not null,
  primary key (tenant_id, id)
);
create table public.tasks (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  project_id uuid not null,
  assignee_id uuid,
  title text not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, project_id) references public.projects (tenant_id, id)
);
create table public.notes (
  tenant_id uuid not null,
  workspace_id uuid not null,
  id uuid not null default gen_random_uuid(),
  body text not null,
  primary key (tenant_id, workspace_id, id),
  foreign key (tenant_id, workspace_id) references tenancy.workspaces (tenant_id, id)
);
`;

let db: FoundationTestDatabase;
let lifecycle: TenantLifecycle;
let acme: CreateTenantResult;
let globex: CreateTenantResult;
let bob: string;

async function seed(t: CreateTenantResult, projects: number, tasksPerProject: number, ownerId: string) {
  const tenant = t.tenant.id;
  await db.sql`insert into public.projects (tenant_id, owner_id, name)
    select ${tenant}, ${ownerId}, 'project ' || g from generate_series(1, ${projects}) g`;
  await db.sql`insert into public.tasks (tenant_id, project_id, assignee_id, title)
    select p.tenant_id, p.id, ${ownerId}, 'task ' || g from public.projects p, generate_series(1, ${tasksPerProject}) g
    where p.tenant_id = ${tenant}`;
  await db.sql`insert into public.notes (tenant_id, workspace_id, body) values (${tenant}, ${t.workspace.id}, 'hello')`;
}

async function countsFor(tenantId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of configuredTenantTables(db.config)) {
    const [row] = await db.sql<Array<{ n: number }>>`
      select count(*)::int as n from ${db.sql(table.schema)}.${db.sql(table.name)} where ${db.sql(table.tenantColumn)} = ${tenantId}`;
    out[tableKey(table)] = row?.n ?? 0;
  }
  return out;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

beforeAll(async () => {
  db = await createFoundationTestDatabase(
    {
      tables: {
        projects: { scope: 'tenant' },
        tasks: { scope: 'tenant' },
        notes: { scope: 'workspace', workspaceColumn: 'workspace_id' },
      },
    },
    USER_TABLES,
  );
  lifecycle = createTenantLifecycle({ sql: db.sql, config: db.config });
  acme = await lifecycle.createTenant({ slug: 'acme', name: 'Acme', owner: { email: 'ada@acme.test' } });
  globex = await lifecycle.createTenant({ slug: 'globex', name: 'Globex', owner: { email: 'hank@globex.test' } });
  const invite = await lifecycle.inviteMember({
    tenantId: acme.tenant.id,
    email: 'bob@example.test',
    roles: ['member'],
  });
  bob = (await lifecycle.acceptInvitation({ token: invite.token, user: { email: 'bob@example.test' } })).userId;
  const invite2 = await lifecycle.inviteMember({
    tenantId: globex.tenant.id,
    email: 'bob@example.test',
    roles: ['viewer'],
  });
  await lifecycle.acceptInvitation({ token: invite2.token, user: { email: 'bob@example.test' } });
  await seed(acme, 3, 4, acme.owner.id);
  await seed(globex, 2, 2, globex.owner.id);
});
afterAll(() => db.dropAll());

describe('exportTenant', () => {
  it('streams a manifest, every row of the tenant in dependency order, and a trailer, as NDJSON', async () => {
    const progress: ExportProgress[] = [];
    const text = await readAll(
      exportTenant({ sql: db.sql, config: db.config, tenantId: acme.tenant.id, onProgress: (p) => progress.push(p) }),
    );
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const manifest = lines[0];
    const trailer = lines.at(-1);
    const order = manifest.tables.map((t: { table: string }) => t.table);
    expect(manifest).toMatchObject({
      type: 'manifest',
      format: 'tenancy-export',
      version: 1,
      tenantId: acme.tenant.id,
    });
    // Parents before children: every foreign key points backwards in this list.
    const before = (a: string, b: string) =>
      expect(order.indexOf(a), `${a} before ${b}`).toBeLessThan(order.indexOf(b));
    before('tenancy.tenants', 'tenancy.memberships');
    before('tenancy.users', 'tenancy.memberships');
    before('tenancy.memberships', 'tenancy.workspace_memberships');
    before('tenancy.workspaces', 'public.notes');
    before('tenancy.roles', 'tenancy.role_permissions');
    before('public.projects', 'public.tasks');
    expect(order).toHaveLength(13);

    const rows = lines.slice(1, -1);
    const counts: Record<string, number> = {};
    for (const line of rows) counts[line.table] = (counts[line.table] ?? 0) + 1;
    const expected = Object.fromEntries(manifest.tables.map((t: { table: string; rows: number }) => [t.table, t.rows]));
    expect(trailer.counts).toEqual(expected);
    expect(Object.fromEntries(Object.entries(expected).filter(([, n]) => n !== 0))).toEqual(counts);
    expect(expected['tenancy.domains']).toBe(0);
    expect(counts['public.tasks']).toBe(12);
    expect(counts['public.projects']).toBe(3);
    expect(counts['tenancy.users']).toBe(2);
    expect(trailer).toMatchObject({ type: 'trailer', rows: rows.length });
    // Nothing of the other tenant, not even its id.
    expect(text).not.toContain(globex.tenant.id);
    expect(text).not.toContain('hank@globex.test');
    // Rows in table order, as they were announced.
    const seen = [...new Set(rows.map((line: { table: string }) => line.table))];
    expect(seen).toEqual(order.filter((t: string) => expected[t] !== 0));
    expect(progress.at(-1)).toMatchObject({ rows: rows.length, total: rows.length, tablesDone: 13, tablesTotal: 13 });
  });

  it('writes the same archive as one JSON document', async () => {
    const doc = JSON.parse(
      await readAll(exportTenant({ sql: db.sql, config: db.config, tenantId: acme.tenant.id, format: 'json' })),
    );
    expect(doc.manifest.tenantId).toBe(acme.tenant.id);
    expect(Object.keys(doc.data)).toEqual(doc.manifest.tables.map((t: { table: string }) => t.table));
    expect(doc.data['public.tasks']).toHaveLength(12);
    expect(doc.data['tenancy.tenants']).toEqual([expect.objectContaining({ id: acme.tenant.id, slug: 'acme' })]);
    expect(doc.trailer.counts['public.tasks']).toBe(12);
  });

  it('yields rows long before a large table is read, and ends its transaction when cancelled', async () => {
    await db.sql`insert into public.tasks (tenant_id, project_id, title)
      select ${globex.tenant.id}, (select id from public.projects where tenant_id = ${globex.tenant.id} limit 1),
        repeat('x', 200) || g from generate_series(1, 20000) g`;
    let tasksRead = 0;
    const stream = exportTenant({
      sql: db.sql,
      config: db.config,
      tenantId: globex.tenant.id,
      batchSize: 500,
      onProgress: (p) => {
        if (p.table === 'public.tasks') tasksRead = p.tableRows;
      },
    });
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let firstTaskAt = -1;
    while (firstTaskAt === -1) {
      const { value, done } = await reader.read();
      if (done) break;
      if (decoder.decode(value).includes('{"table":"public.tasks","row":')) firstTaskAt = tasksRead;
    }
    expect(firstTaskAt).toBeGreaterThan(0);
    expect(firstTaskAt).toBeLessThanOrEqual(1000);
    await reader.cancel();
    const open =
      await db.sql`select 1 from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`;
    expect(open.length).toBe(0);
    await db.sql`delete from public.tasks where tenant_id = ${globex.tenant.id} and assignee_id is null`;
  });

  it('answers TENANT_NOT_FOUND through the stream for an unknown tenant, INVALID_INPUT at once for a bad id', async () => {
    await expect(
      readAll(exportTenant({ sql: db.sql, config: db.config, tenantId: '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4fff' })),
    ).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
    expect(() => exportTenant({ sql: db.sql, config: db.config, tenantId: 'acme' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});

describe('eraseUserData', () => {
  it("erases one user's personal data in one tenant and anonymizes what records the tenant's history", async () => {
    const globexBefore = await countsFor(globex.tenant.id);
    const [bobEmail] = await db.sql<Array<{ email: string }>>`select email from tenancy.users where id = ${bob}`;
    await db.sql`insert into public.projects (tenant_id, owner_id, name) values (${acme.tenant.id}, ${bob}, 'bob only')`;
    await db.sql`update public.tasks set assignee_id = ${bob} where tenant_id = ${acme.tenant.id}`;
    await db.sql`update public.tasks set assignee_id = ${bob} where tenant_id = ${globex.tenant.id}`;
    // Bob invites someone and is invited again (pending): both invitations mention him.
    await lifecycle.inviteMember({
      tenantId: acme.tenant.id,
      email: 'carol@example.test',
      roles: ['viewer'],
      invitedBy: bob,
    });
    await lifecycle.changeRoles({
      tenantId: acme.tenant.id,
      userId: bob,
      workspaceId: acme.workspace.id,
      roles: ['viewer'],
    });

    const result = await eraseUserData({
      sql: db.sql,
      config: db.config,
      tenantId: acme.tenant.id,
      userId: bob,
      actorId: acme.owner.id,
      personalData: [
        { table: 'projects', column: 'owner_id', action: 'delete' },
        { table: 'public.tasks', column: 'assignee_id', action: 'anonymize' },
      ],
    });
    expect(result).toEqual({
      deleted: {
        'public.projects': 1,
        'tenancy.invitations': 1,
        'tenancy.memberships': 1,
        'tenancy.workspace_memberships': 1,
      },
      anonymized: { 'public.tasks': 12, 'tenancy.audit_log': 4, 'tenancy.invitations': 1 },
    });

    // Nothing in any tenant table of Acme mentions Bob's id or address any more.
    for (const table of configuredTenantTables(db.config)) {
      const rows = await db.sql<Array<{ r: string }>>`
        select row_to_json(t)::text as r from ${db.sql(table.schema)}.${db.sql(table.name)} t
        where ${db.sql(table.tenantColumn)} = ${acme.tenant.id}`;
      for (const { r } of rows) {
        expect(r, tableKey(table)).not.toContain(bob);
        expect(r, tableKey(table)).not.toContain(bobEmail?.email ?? '?');
      }
    }
    // Globex is untouched: same counts, Bob still a member and still assigned there.
    expect(await countsFor(globex.tenant.id)).toEqual(globexBefore);
    const [stillAssigned] = await db.sql<Array<{ n: number }>>`
      select count(*)::int as n from public.tasks where tenant_id = ${globex.tenant.id} and assignee_id = ${bob}`;
    expect(stillAssigned?.n).toBe(4);
    const [user] = await db.sql`select id from tenancy.users where id = ${bob}`;
    expect(user).toEqual({ id: bob });
    const [erased] = await db.sql`select actor_id, action, target_id from tenancy.audit_log
      where tenant_id = ${acme.tenant.id} and action = 'member.erased'`;
    expect(erased).toEqual({ actor_id: acme.owner.id, action: 'member.erased', target_id: null });
  });

  it('deletes the global user row only when asked and no membership is left', async () => {
    const result = await eraseUserData({
      sql: db.sql,
      config: db.config,
      tenantId: globex.tenant.id,
      userId: bob,
      deleteUserIfOrphaned: true,
      personalData: [{ table: 'public.tasks', column: 'assignee_id', action: 'anonymize' }],
    });
    expect(result.deleted['tenancy.users']).toBe(1);
    expect(result.deleted['tenancy.memberships']).toBe(1);
    const users = await db.sql`select id from tenancy.users where id = ${bob}`;
    expect(users.length).toBe(0);
  });

  it('refuses personal data columns outside your tenant tables with INVALID_CONFIG', async () => {
    await expect(
      eraseUserData({
        sql: db.sql,
        config: db.config,
        tenantId: acme.tenant.id,
        userId: acme.owner.id,
        personalData: [{ table: 'tenancy.memberships', column: 'user_id', action: 'delete' }],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});

describe('eraseTenant', () => {
  it('leaves zero rows of the tenant in every tenant table of the config, and the other tenant exactly as it was', async () => {
    const globexBefore = await countsFor(globex.tenant.id);
    const acmeBefore = await countsFor(acme.tenant.id);
    expect(acmeBefore['public.tasks']).toBe(12);
    const operator = '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4f03';
    const counts = await eraseTenant({ sql: db.sql, config: db.config, tenantId: acme.tenant.id, actorId: operator });
    expect(counts).toEqual(acmeBefore);
    expect(Object.keys(counts)).toHaveLength(configuredTenantTables(db.config).length);

    const after = await countsFor(acme.tenant.id);
    expect(Object.values(after).every((n) => n === 0)).toBe(true);
    expect(after).toEqual(Object.fromEntries(Object.keys(acmeBefore).map((k) => [k, 0])));
    expect(await countsFor(globex.tenant.id)).toEqual(globexBefore);

    const [record] = await db.sql`select actor_id, action, data from tenancy.platform_audit_log
      where subject_tenant_id = ${acme.tenant.id}`;
    expect(record).toEqual({ actor_id: operator, action: 'tenant.erased', data: { rows: counts } });
    await expect(eraseTenant({ sql: db.sql, config: db.config, tenantId: acme.tenant.id })).rejects.toMatchObject({
      code: 'TENANT_NOT_FOUND',
    });
  });
});
