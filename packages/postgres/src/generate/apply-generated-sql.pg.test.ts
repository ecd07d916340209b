import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedTenancyConfig } from '../config/config-types.js';
import { createTestDatabase, type TestDatabase } from '../testing/create-test-database.js';
import { dropTestRoles, exampleSchemaSql, inUnitOfWork, runScript, testConfig } from './example-fixture.js';
import { generateSql } from './generate-sql.js';

let db: TestDatabase;
let config: ResolvedTenancyConfig;
const extraRoles: string[] = [];

const A = '00000000-0000-4000-8000-00000000000a';

/** Everything the script touches, as one JSON value: equal snapshots mean the catalog did not change. */
async function catalogSnapshot(): Promise<unknown> {
  const roles = [config.roles.app, config.roles.platform];
  const [row] = await db.sql`
    select json_build_object(
      'policies', (select json_agg(p order by p.tablename, p.policyname) from (
        select tablename, policyname, permissive, roles, cmd, qual, with_check from pg_policies) p),
      'relations', (select json_agg(c order by c.relname) from (
        select relname, relkind, relrowsecurity, relforcerowsecurity, relacl::text as acl
        from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'S')) c),
      'defaults', (select json_agg(d order by d.rel, d.expr) from (
        select adrelid::regclass::text as rel, pg_get_expr(adbin, adrelid) as expr from pg_attrdef) d),
      'triggers', (select json_agg(t order by t.def) from (
        select pg_get_triggerdef(oid) as def from pg_trigger where not tgisinternal) t),
      'functions', (select json_agg(f order by f.sig) from (
        select oid::regprocedure::text as sig, prosrc, provolatile, prosecdef, proacl::text as acl
        from pg_proc where pronamespace = 'tenancy'::regnamespace) f),
      'schema', (select nspacl::text from pg_namespace where nspname = 'tenancy'),
      'roles', (select json_agg(r order by r.rolname) from (
        select rolname, rolsuper, rolbypassrls, rolcanlogin, rolinherit from pg_roles where rolname = any(${roles})) r),
      'members', (select json_agg(m order by m.role) from (
        select roleid::regrole::text as role, member::regrole::text as member from pg_auth_members
        where roleid::regrole::text = any(${roles})) m)
    ) as snapshot`;
  return row?.['snapshot'];
}

beforeAll(async () => {
  db = await createTestDatabase();
  config = testConfig(db.suffix);
  await db.sql.unsafe(exampleSchemaSql);
});

afterAll(async () => {
  await dropTestRoles(db.sql, [...extraRoles, config.roles.app, config.roles.platform]);
  await db.drop();
});

describe('applying the generated SQL', () => {
  it('succeeds twice and leaves the catalog identical after the second run', async () => {
    const script = generateSql(config);
    await runScript(db.url, script);
    const first = await catalogSnapshot();
    await runScript(db.url, script);
    expect(await catalogSnapshot()).toEqual(first);
    expect(first).toMatchObject({
      relations: [
        { relname: 'plans', relrowsecurity: true, relforcerowsecurity: true },
        { relname: 'projects', relrowsecurity: true, relforcerowsecurity: true },
        { relname: 'tasks', relrowsecurity: true, relforcerowsecurity: true },
      ],
      roles: [
        { rolname: config.roles.app, rolsuper: false, rolbypassrls: false, rolcanlogin: false },
        { rolname: config.roles.platform, rolsuper: false, rolbypassrls: false, rolcanlogin: false },
      ],
    });
  });

  it('creates functions that are not SECURITY DEFINER and grants only DML', async () => {
    const definers =
      await db.sql`select proname from pg_proc where pronamespace = 'tenancy'::regnamespace and prosecdef`;
    expect(definers).toHaveLength(0);
    const privileges = await db.sql`
      select table_name, grantee, string_agg(privilege_type, ',' order by privilege_type) as privs
      from information_schema.role_table_grants
      where grantee = any(${[config.roles.app, config.roles.platform]})
      group by 1, 2 order by 1, 2`;
    expect(
      privileges.map((r) => [r['table_name'], r['grantee'] === config.roles.app ? 'app' : 'platform', r['privs']]),
    ).toEqual([
      ['plans', 'app', 'SELECT'],
      ['plans', 'platform', 'DELETE,INSERT,SELECT,UPDATE'],
      ['projects', 'app', 'DELETE,INSERT,SELECT,UPDATE'],
      ['projects', 'platform', 'DELETE,INSERT,SELECT,UPDATE'],
      ['tasks', 'app', 'DELETE,INSERT,SELECT,UPDATE'],
      ['tasks', 'platform', 'DELETE,INSERT,SELECT,UPDATE'],
    ]);
  });

  it('revokes a TRUNCATE granted earlier by hand', async () => {
    await db.sql.unsafe(`grant truncate, references, trigger on projects to "${config.roles.app}"`);
    await runScript(db.url, generateSql(config));
    const [row] = await db.sql`select has_table_privilege(${config.roles.app}, 'projects', 'TRUNCATE') as t`;
    expect(row?.['t']).toBe(false);
  });

  it('lets two deploys apply at the same time: the advisory lock serializes them', async () => {
    const script = generateSql(config);
    await expect(
      Promise.all([runScript(db.url, script), runScript(db.url, script), runScript(db.url, script)]),
    ).resolves.toHaveLength(3);
  });

  it('makes the tenant predicate an index condition', async () => {
    const plan = await inUnitOfWork(db.sql, config, { tenantId: A, role: 'app' }, async (tx) => {
      await tx`set local enable_seqscan = off`;
      const rows = await tx.unsafe(`explain (costs off) select * from projects where id = '${A}'`);
      return rows.map((r) => String(r['QUERY PLAN'])).join('\n');
    });
    // The InitPlan's result is `$0` up to PostgreSQL 15 and `(InitPlan 1).col1` from 16 on.
    expect(plan).toMatch(/Index Cond: \(\(tenant_id = (\$0|\(InitPlan 1\)\.col1)\) AND \(id = /);
    expect(plan).not.toContain('Seq Scan');
    expect(plan).toContain('InitPlan');
  });

  it('removes tenancy_ policies the config no longer generates and keeps policies that are not ours', async () => {
    await db.sql`create policy my_own_policy on projects for select to public using (false)`;
    const appendOnly = testConfig(db.suffix, {
      tables: {
        projects: { scope: 'tenant', grants: ['select', 'insert'] },
        tasks: { scope: 'ignore' },
        plans: { scope: 'global' },
      },
    });
    await runScript(db.url, generateSql(appendOnly));
    const names = await db.sql`select policyname from pg_policies where tablename = 'projects' order by 1`;
    expect(names.map((r) => r['policyname'])).toEqual([
      'my_own_policy',
      'tenancy_insert_access',
      'tenancy_platform_access',
      'tenancy_select_access',
      'tenancy_tenant_guard',
    ]);
    const [row] = await db.sql`select has_table_privilege(${config.roles.app}, 'projects', 'UPDATE') as u`;
    expect(row?.['u']).toBe(false);
    await db.sql`drop policy my_own_policy on projects`;
    await runScript(db.url, generateSql(config));
  });

  it('stops before changing anything when a configured table or column is missing', async () => {
    const broken = testConfig(`${db.suffix}_x`, {
      tables: { projects: { scope: 'tenant', tenantColumn: 'org_id' }, ghosts: { scope: 'tenant' } },
    });
    await expect(runScript(db.url, generateSql(broken))).rejects.toThrow(
      'configured tables or columns do not exist: public.ghosts.tenant_id, public.projects.org_id',
    );
    const [role] = await db.sql`select 1 from pg_roles where rolname = ${broken.roles.app}`;
    expect(role).toBeUndefined();
  });

  it('refuses to go on when an existing runtime role bypasses row level security', async () => {
    const bypass = `tenancy_app_${db.suffix}_b`;
    extraRoles.push(bypass, `tenancy_platform_${db.suffix}_b`);
    await db.sql.unsafe(`create role "${bypass}" nologin bypassrls`);
    const cfg = testConfig(db.suffix, { roles: { app: bypass, platform: `tenancy_platform_${db.suffix}_b` } });
    await expect(runScript(db.url, generateSql(cfg))).rejects.toThrow('is a superuser or has BYPASSRLS');
  });

  it('grants the sequence of a serial column so the app role can insert', async () => {
    await db.sql`create table counters (tenant_id uuid not null, id bigserial, primary key (tenant_id, id))`;
    const cfg = testConfig(db.suffix, {
      tables: {
        counters: { scope: 'tenant' },
        projects: { scope: 'tenant' },
        tasks: { scope: 'ignore' },
        plans: { scope: 'global' },
      },
    });
    await runScript(db.url, generateSql(cfg));
    const [row] = await inUnitOfWork(
      db.sql,
      cfg,
      { tenantId: A, role: 'app' },
      (tx) => tx`insert into counters default values returning id, tenant_id`,
    );
    expect({ ...row }).toEqual({ id: '1', tenant_id: A });
  });
});
