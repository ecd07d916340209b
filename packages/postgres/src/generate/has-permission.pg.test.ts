import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedTenancyConfig } from '../config/config-types.js';
import { createTestDatabase, type TestDatabase } from '../testing/create-test-database.js';
import type { TenantContextValues } from './dialects/dialect.js';
import { dropTestRoles, exampleSchemaSql, inUnitOfWork, runScript, testConfig } from './example-fixture.js';
import { generateSql } from './generate-sql.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const WS = '00000000-0000-4000-8000-0000000000a1';
const ADMIN = '20000000-0000-4000-8000-000000000001';
const MEMBER = '20000000-0000-4000-8000-000000000002';
const AUDITOR = '20000000-0000-4000-8000-000000000003';
const OUTSIDER = '20000000-0000-4000-8000-000000000004';
const PA = '10000000-0000-4000-8000-00000000000a';

let db: TestDatabase;
let config: ResolvedTenancyConfig;

const as = (userId: string, extra: Partial<TenantContextValues> = {}): TenantContextValues => ({
  tenantId: A,
  userId,
  role: 'app',
  ...extra,
});

async function has(values: TenantContextValues, permission: string): Promise<boolean> {
  const [row] = await inUnitOfWork(
    db.sql,
    config,
    values,
    (tx) => tx`select tenancy.has_permission(${permission}) as ok`,
  );
  return row?.['ok'] as boolean;
}

beforeAll(async () => {
  db = await createTestDatabase();
  config = testConfig(db.suffix, {
    foundation: true,
    tables: {
      projects: { scope: 'tenant', permissions: { update: 'projects:write', delete: 'projects:delete' } },
      tasks: { scope: 'workspace', workspaceColumn: 'workspace_id' },
      plans: { scope: 'global' },
    },
  });
  await db.sql.unsafe(exampleSchemaSql);
  await runScript(db.url, generateSql(config));
  // Seeded as superuser (RLS does not apply) into the foundation schema the generated script created.
  await db.sql.unsafe(`
    insert into tenancy.tenants (id, slug, name) values ('${A}', 'tenant-a', 'A'), ('${B}', 'tenant-b', 'B');
    insert into tenancy.users (id, email) values ('${ADMIN}', 'admin@a.test'), ('${MEMBER}', 'member@a.test'),
      ('${AUDITOR}', 'auditor@a.test'), ('${OUTSIDER}', 'outsider@b.test');
    insert into tenancy.workspaces (tenant_id, id, slug, name) values ('${A}', '${WS}', 'ws', 'WS');
    insert into projects (tenant_id, id, name) values ('${A}', '${PA}', 'a-project');
    insert into tenancy.roles (tenant_id, name, inherits) values
      ('${A}', 'ws-editor', '{}'),
      ('${A}', 'admin', '{member}'), ('${A}', 'member', '{}'), ('${A}', 'auditor', '{}'),
      ('${A}', 'loop-a', '{loop-b}'), ('${A}', 'loop-b', '{loop-a}'),
      ('${B}', 'admin', '{}');
    insert into tenancy.role_permissions (tenant_id, role, permission, effect) values
      ('${A}', 'member', 'projects:write', 'allow'),
      ('${A}', 'admin', 'projects:*', 'allow'),
      ('${A}', 'auditor', '*', 'allow'),
      ('${A}', 'auditor', 'projects:delete', 'deny'),
      ('${A}', 'loop-b', 'loops:run', 'allow'),
      ('${A}', 'ws-editor', 'tasks:write', 'allow'),
      ('${B}', 'admin', '*', 'allow');
    insert into tenancy.memberships (tenant_id, user_id, roles) values
      ('${A}', '${ADMIN}', '{admin}'), ('${A}', '${MEMBER}', '{member, loop-a}'), ('${A}', '${AUDITOR}', '{auditor}'),
      ('${B}', '${OUTSIDER}', '{admin}');
    insert into tenancy.workspace_memberships (tenant_id, workspace_id, user_id, roles) values
      ('${A}', '${WS}', '${MEMBER}', '{ws-editor}');
  `);
});

afterAll(async () => {
  await dropTestRoles(db.sql, [config.roles.app, config.roles.platform]);
  await db.drop();
});

describe('the foundation script', () => {
  it('applies again without changing a policy, a trigger or a grant', async () => {
    const state = async () =>
      db.sql`select json_build_object(
        'policies', (select json_agg(p order by p.schemaname, p.tablename, p.policyname) from pg_policies p),
        'triggers', (select json_agg(pg_get_triggerdef(oid) order by tgrelid::regclass::text, tgname) from pg_trigger where not tgisinternal),
        'acls', (select json_agg(c.relacl::text order by c.oid::regclass::text) from pg_class c
                 where c.relnamespace in ('tenancy'::regnamespace, 'public'::regnamespace))
      ) as s`;
    const before = await state();
    await runScript(db.url, generateSql(config));
    expect(await state()).toEqual(before);
  });
});

describe('tenancy.has_permission', () => {
  it('grants what a held role allows, exactly or through resource:* and *', async () => {
    expect(await has(as(MEMBER), 'projects:write')).toBe(true);
    expect(await has(as(MEMBER), 'projects:delete')).toBe(false);
    expect(await has(as(ADMIN), 'projects:delete')).toBe(true);
    expect(await has(as(ADMIN), 'billing:read')).toBe(false);
    expect(await has(as(AUDITOR), 'billing:read')).toBe(true);
  });

  it('follows role inheritance and survives a cycle', async () => {
    expect(await has(as(ADMIN), 'projects:write')).toBe(true);
    expect(await has(as(MEMBER), 'loops:run')).toBe(true);
    expect(await has(as(MEMBER), 'loops:stop')).toBe(false);
  });

  it('lets a deny win over any allow', async () => {
    expect(await has(as(AUDITOR), 'projects:delete')).toBe(false);
    expect(await has(as(AUDITOR), 'projects:write')).toBe(true);
  });

  it('adds workspace roles only while that workspace is set', async () => {
    expect(await has(as(MEMBER), 'tasks:write')).toBe(false);
    expect(await has(as(MEMBER, { workspaceId: WS }), 'tasks:write')).toBe(true);
  });

  it('is false without a user, and for a member of another tenant', async () => {
    expect(await has({ tenantId: A, role: 'app' }, 'projects:write')).toBe(false);
    expect(await has(as(OUTSIDER), 'projects:write')).toBe(false);
    expect(await has(as(OUTSIDER, { tenantId: B }), 'projects:write')).toBe(true);
  });

  it('gates the commands the config attaches permissions to', async () => {
    const attempt = (userId: string) =>
      inUnitOfWork(db.sql, config, as(userId), async (tx) => ({
        read: (await tx`select id from projects`).length,
        update: (await tx`update projects set name = name`).count,
        delete: (await tx`delete from projects where false`).count,
      }));
    expect(await attempt(AUDITOR)).toEqual({ read: 1, update: 1, delete: 0 });
    expect(await attempt(OUTSIDER)).toEqual({ read: 1, update: 0, delete: 0 });
    const deleted = await inUnitOfWork(db.sql, config, as(AUDITOR), (tx) => tx`delete from projects`);
    expect(deleted.count).toBe(0);
    const [count] = await db.sql`select count(*)::int as n from projects`;
    expect(count?.['n']).toBe(1);
  });
});
