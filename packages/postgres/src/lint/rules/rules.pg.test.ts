import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedTable } from '../../config/index.js';
import { generateSql } from '../../generate/index.js';
import type { TestDatabase } from '../../testing/create-test-database.js';
import { createTestDatabase } from '../../testing/create-test-database.js';
import { lintDatabase } from '../lint-database.js';
import { applySql, dropRoles, objectsOf, tenantTable, testConfig } from '../test-support.js';
import type { LintReport } from '../types.js';

// Every rule fires on a database that breaks it and stays quiet on one that follows the contract. Each scenario
// builds its own schema, applies the generated SQL for a config that manages only that schema, optionally breaks
// something, lints (without the drift check, which has its own tests) and drops the schema again, so database-wide
// rules (ownership, grants, functions, views) only ever see the scenario's own objects.

let db: TestDatabase;
let app: string;
let platform: string;
let currentUser: string;
let counter = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  app = `tenancy_app_${db.suffix}`;
  platform = `tenancy_platform_${db.suffix}`;
  const [row] = await db.sql<{ u: string }[]>`select current_user as u`;
  currentUser = row!.u;
});

afterAll(async () => {
  await db.drop();
  await dropRoles(db, [app, platform, `tenancy_app_${db.suffix}_b`, `tenancy_owner_${db.suffix}`]);
});

interface Scenario {
  /** DDL creating the scenario's tables; `S` is replaced by the schema name. */
  ddl: string;
  tables: (schema: string) => ResolvedTable[];
  /** Apply the generated SQL for the config (default true). */
  apply?: boolean;
  /** SQL run after applying, to break something; `S` is replaced by the schema name. */
  after?: string;
  loginRole?: string;
  appRole?: string;
}

async function lint(s: Scenario): Promise<{ report: LintReport; schema: string }> {
  const schema = `s${++counter}`;
  const sub = (text: string) => text.replaceAll('S.', `${schema}.`);
  await db.sql.unsafe(`create schema ${schema}`);
  try {
    await db.sql.unsafe(sub(s.ddl));
    const config = testConfig(db.suffix, {
      schemas: [schema],
      tables: s.tables(schema),
      ...(s.appRole === undefined ? {} : { app: s.appRole }),
    });
    if (s.apply ?? true) await applySql(db.sql, generateSql(config));
    if (s.after) await db.sql.unsafe(sub(s.after));
    const report = await lintDatabase({ sql: db.sql, config, drift: false, loginRole: s.loginRole });
    return { report, schema };
  } finally {
    await db.sql.unsafe(`drop schema ${schema} cascade`);
  }
}

const PROJECTS =
  'create table S.projects (tenant_id uuid not null, id uuid not null, name text, primary key (tenant_id, id));';
const projects = (schema: string) => [tenantTable(schema, 'projects')];

describe('rls-disabled', () => {
  it('reports a tenant table whose row level security was disabled', async () => {
    const { report, schema } = await lint({
      ddl: PROJECTS,
      tables: projects,
      after: 'alter table S.projects disable row level security;',
    });
    expect(objectsOf(report, 'rls-disabled')).toEqual([`${schema}.projects`]);
    expect(objectsOf(report, 'rls-not-forced')).toEqual([]);
  });

  it('stays quiet when every classified table has row level security enabled', async () => {
    const { report } = await lint({ ddl: PROJECTS, tables: projects });
    expect(objectsOf(report, 'rls-disabled')).toEqual([]);
  });
});

describe('rls-not-forced', () => {
  it('reports a tenant table with row level security enabled but not forced', async () => {
    const { report, schema } = await lint({
      ddl: `${PROJECTS} create table S.countries (code text primary key);`,
      tables: (s) => [...projects(s), { schema: s, name: 'countries', scope: 'global' }],
      after: 'alter table S.projects no force row level security; alter table S.countries no force row level security;',
    });
    expect(objectsOf(report, 'rls-not-forced')).toEqual([`${schema}.countries`, `${schema}.projects`]);
  });

  it('stays quiet when row level security is forced', async () => {
    const { report } = await lint({ ddl: PROJECTS, tables: projects });
    expect(objectsOf(report, 'rls-not-forced')).toEqual([]);
  });
});

describe('missing-guard-policy', () => {
  it('reports a tenant table whose restrictive guard was dropped', async () => {
    const { report, schema } = await lint({
      ddl: PROJECTS,
      tables: projects,
      after: 'drop policy tenancy_tenant_guard on S.projects;',
    });
    expect(objectsOf(report, 'missing-guard-policy')).toEqual([`${schema}.projects`]);
  });

  it('reports a guard that covers only some of the granted commands', async () => {
    const { report } = await lint({
      ddl: PROJECTS,
      tables: projects,
      after: `drop policy tenancy_tenant_guard on S.projects;
        create policy tenancy_tenant_guard on S.projects as restrictive for select
          using (tenant_id = (select tenancy.tenant_id()));`,
    });
    const finding = report.findings.find((f) => f.rule === 'missing-guard-policy');
    expect(finding?.message).toContain('does not cover INSERT, UPDATE and DELETE');
  });

  it('does not accept a restrictive policy with an OR around the tenant predicate as a guard', async () => {
    const { report, schema } = await lint({
      ddl: PROJECTS,
      tables: projects,
      after: `drop policy tenancy_tenant_guard on S.projects;
        create policy tenancy_tenant_guard on S.projects as restrictive
          using (tenant_id = (select tenancy.tenant_id()) or name is not null);`,
    });
    expect(objectsOf(report, 'missing-guard-policy')).toEqual([`${schema}.projects`]);
  });

  it('stays quiet when the guard covers every granted command', async () => {
    const { report } = await lint({ ddl: PROJECTS, tables: projects });
    expect(objectsOf(report, 'missing-guard-policy')).toEqual([]);
  });
});

describe('permissive-without-guard', () => {
  it('reports each permissive policy for the app role once the guard is gone', async () => {
    const { report, schema } = await lint({
      ddl: PROJECTS,
      tables: projects,
      after: `drop policy tenancy_tenant_guard on S.projects;
        create policy reports on S.projects for select using (name is not null);`,
    });
    expect(objectsOf(report, 'permissive-without-guard')).toEqual([
      `${schema}.projects.reports`,
      `${schema}.projects.tenancy_tenant_isolation`,
    ]);
  });

  it('stays quiet when a permissive policy is added next to an intact guard', async () => {
    const { report } = await lint({
      ddl: PROJECTS,
      tables: projects,
      after: 'create policy reports on S.projects for select using (name is not null);',
    });
    expect(objectsOf(report, 'permissive-without-guard')).toEqual([]);
  });
});

describe('always-true-policy', () => {
  it('reports permissive policies for the app role or PUBLIC that reduce to true', async () => {
    const { report, schema } = await lint({
      ddl: `${PROJECTS} create table S.countries (code text primary key);`,
      tables: (s) => [...projects(s), { schema: s, name: 'countries', scope: 'global' }],
      after: `create policy open_read on S.projects for select using (1 = 1);
        create policy open_insert on S.projects for insert with check (true or name is null);
        create policy open_app on S.projects to ${app} using (tenant_id = tenant_id);
        create policy global_write on S.countries for update to ${app} using (true);`,
    });
    expect(objectsOf(report, 'always-true-policy')).toEqual([
      `${schema}.countries.global_write`,
      `${schema}.projects.open_app`,
      `${schema}.projects.open_insert`,
      `${schema}.projects.open_read`,
    ]);
  });

  it("stays quiet on the platform role's using (true), a global table's read policy and restrictive no-ops", async () => {
    const { report } = await lint({
      ddl: `${PROJECTS} create table S.countries (code text primary key);`,
      tables: (s) => [...projects(s), { schema: s, name: 'countries', scope: 'global' }],
      after: `create policy harmless on S.projects as restrictive using (true);
        create policy other_role on S.projects to ${platform} using (1 = 1);`,
    });
    expect(objectsOf(report, 'always-true-policy')).toEqual([]);
  });
});

describe('policy-missing-command', () => {
  it('reports a command granted by hand that no permissive policy allows', async () => {
    const { report, schema } = await lint({
      ddl: 'create table S.audit (tenant_id uuid not null, id bigint not null, primary key (tenant_id, id));',
      tables: (s) => [tenantTable(s, 'audit', { grants: ['select', 'insert'] })],
      after: `grant update, delete on S.audit to ${app};`,
    });
    expect(objectsOf(report, 'policy-missing-command')).toEqual([`${schema}.audit`]);
    expect(report.findings.find((f) => f.rule === 'policy-missing-command')?.severity).toBe('warning');
  });

  it('stays quiet when per-command policies match the grants', async () => {
    const { report } = await lint({
      ddl: 'create table S.audit (tenant_id uuid not null, id bigint not null, primary key (tenant_id, id));',
      tables: (s) => [tenantTable(s, 'audit', { grants: ['select', 'insert'] })],
    });
    expect(objectsOf(report, 'policy-missing-command')).toEqual([]);
    expect(objectsOf(report, 'missing-guard-policy')).toEqual([]);
  });
});

describe('tenant-column-missing', () => {
  it('reports a tenant table without its tenant column', async () => {
    const { report, schema } = await lint({
      ddl: 'create table S.notes (id int primary key);',
      tables: (s) => [tenantTable(s, 'notes')],
      apply: false,
    });
    expect(objectsOf(report, 'tenant-column-missing')).toEqual([`${schema}.notes`]);
  });

  it('stays quiet when the tenant column exists', async () => {
    const { report } = await lint({ ddl: PROJECTS, tables: projects });
    expect(objectsOf(report, 'tenant-column-missing')).toEqual([]);
  });
});

describe('tenant-column-not-indexed', () => {
  it('reports a tenant table with no index leading with the tenant column', async () => {
    const { report, schema } = await lint({
      ddl: 'create table S.items (id uuid primary key, tenant_id uuid not null); create index on S.items (id, tenant_id);',
      tables: (s) => [tenantTable(s, 'items')],
    });
    expect(objectsOf(report, 'tenant-column-not-indexed')).toEqual([`${schema}.items`]);
  });

  it('stays quiet when the primary key leads with the tenant column', async () => {
    const { report } = await lint({ ddl: PROJECTS, tables: projects });
    expect(objectsOf(report, 'tenant-column-not-indexed')).toEqual([]);
  });
});

describe('unique-without-tenant-column', () => {
  it('reports primary keys, unique constraints and unique indexes without the tenant column', async () => {
    const { report, schema } = await lint({
      ddl: `${PROJECTS}
        alter table S.projects add constraint projects_name_key unique (name);
        create unique index projects_lower_name on S.projects (lower(name));
        create table S.items (id uuid primary key, tenant_id uuid not null);`,
      tables: (s) => [...projects(s), tenantTable(s, 'items')],
    });
    expect(objectsOf(report, 'unique-without-tenant-column')).toEqual([
      `${schema}.items.items_pkey`,
      `${schema}.projects.projects_lower_name`,
      `${schema}.projects.projects_name_key`,
    ]);
  });

  it('stays quiet when every unique key includes the tenant column', async () => {
    const { report } = await lint({
      ddl: `${PROJECTS}
        alter table S.projects add constraint projects_name_key unique (tenant_id, name);
        create unique index projects_lower_name on S.projects (tenant_id, lower(name));`,
      tables: projects,
    });
    expect(objectsOf(report, 'unique-without-tenant-column')).toEqual([]);
  });
});

describe('foreign-key-without-tenant-column', () => {
  const ddl = (fk: string) => `${PROJECTS}
    create table S.countries (code text primary key);
    alter table S.projects add constraint projects_id_key unique (id);
    create table S.tasks (tenant_id uuid not null, id uuid not null, project_id uuid not null, country text
      references S.countries (code), primary key (tenant_id, id), ${fk});`;
  const tables = (s: string) => [
    ...projects(s),
    tenantTable(s, 'tasks'),
    { schema: s, name: 'countries', scope: 'global' as const },
  ];

  it('reports a foreign key between tenant tables on the id alone', async () => {
    const { report, schema } = await lint({
      ddl: ddl('constraint tasks_project_fk foreign key (project_id) references S.projects (id)'),
      tables,
    });
    expect(objectsOf(report, 'foreign-key-without-tenant-column')).toEqual([`${schema}.tasks.tasks_project_fk`]);
  });

  it('stays quiet for a composite key through the tenant column and a key to a global table', async () => {
    const { report } = await lint({
      ddl: ddl('constraint tasks_project_fk foreign key (tenant_id, project_id) references S.projects (tenant_id, id)'),
      tables,
    });
    expect(objectsOf(report, 'foreign-key-without-tenant-column')).toEqual([]);
  });
});

describe('view-without-security-invoker', () => {
  it('reports views over tenant tables, directly or through another view, without security_invoker', async () => {
    const { report, schema } = await lint({
      ddl: `${PROJECTS}
        create view S.v_direct as select * from S.projects;
        create view S.v_invoker with (security_invoker = true) as select * from S.projects;
        create view S.v_nested as select * from S.v_invoker;`,
      tables: projects,
    });
    expect(objectsOf(report, 'view-without-security-invoker')).toEqual([`${schema}.v_direct`, `${schema}.v_nested`]);
  });

  it('stays quiet for security_invoker views and views over global tables only', async () => {
    const { report } = await lint({
      ddl: `${PROJECTS} create table S.countries (code text primary key);
        create view S.v_invoker with (security_invoker = true) as select * from S.projects;
        create view S.v_countries as select * from S.countries;`,
      tables: (s) => [...projects(s), { schema: s, name: 'countries', scope: 'global' }],
    });
    expect(objectsOf(report, 'view-without-security-invoker')).toEqual([]);
  });
});

describe('materialized-view-over-tenant-table', () => {
  it('reports a materialized view that copies tenant rows', async () => {
    const { report, schema } = await lint({
      ddl: `${PROJECTS} create materialized view S.project_counts as select tenant_id, count(*) from S.projects group by 1;`,
      tables: projects,
    });
    expect(objectsOf(report, 'materialized-view-over-tenant-table')).toEqual([`${schema}.project_counts`]);
  });

  it('stays quiet for a materialized view over a global table', async () => {
    const { report } = await lint({
      ddl: `${PROJECTS} create table S.countries (code text primary key);
        create materialized view S.country_codes as select code from S.countries;`,
      tables: (s) => [...projects(s), { schema: s, name: 'countries', scope: 'global' }],
    });
    expect(objectsOf(report, 'materialized-view-over-tenant-table')).toEqual([]);
  });
});

describe('partition-escapes-policies', () => {
  const ddl = `create table S.events (tenant_id uuid not null, id bigint not null, primary key (tenant_id, id))
      partition by hash (tenant_id);
    create table S.events_0 partition of S.events for values with (modulus 2, remainder 0);
    create table S.events_1 partition of S.events for values with (modulus 2, remainder 1);`;
  const tables = (s: string) => [tenantTable(s, 'events')];

  it('reports a partition the app role can query directly without its own forced RLS and guard', async () => {
    const { report, schema } = await lint({
      ddl,
      tables,
      after: `grant select on S.events_0, S.events_1 to ${app};
        alter table S.events_1 enable row level security;
        alter table S.events_1 force row level security;
        create policy read on S.events_1 for select to ${app} using (tenant_id = (select tenancy.tenant_id()));
        create policy guard on S.events_1 as restrictive to ${app} using (tenant_id = (select tenancy.tenant_id()));`,
    });
    expect(objectsOf(report, 'partition-escapes-policies')).toEqual([`${schema}.events_0`]);
  });

  it('stays quiet when partitions are reachable only through the parent, and needs no classification for them', async () => {
    const { report } = await lint({ ddl, tables });
    expect(objectsOf(report, 'partition-escapes-policies')).toEqual([]);
    expect(objectsOf(report, 'unclassified-table')).toEqual([]);
  });
});

describe('security-definer-search-path', () => {
  it('reports a SECURITY DEFINER function without a pinned search_path', async () => {
    const { report, schema } = await lint({
      ddl: `${PROJECTS} create function S.count_all(kind text) returns bigint language sql security definer
        as 'select count(*) from S.projects';`,
      tables: projects,
    });
    expect(objectsOf(report, 'security-definer-search-path')).toEqual([`${schema}.count_all(kind text)`]);
  });

  it('stays quiet for a pinned search_path and for SECURITY INVOKER functions', async () => {
    const { report } = await lint({
      ddl: `${PROJECTS}
        create function S.count_all() returns bigint language sql security definer set search_path = ''
          as 'select count(*) from S.projects';
        create function S.plain() returns int language sql as 'select 1';`,
      tables: projects,
    });
    expect(objectsOf(report, 'security-definer-search-path')).toEqual([]);
  });
});

describe('security-definer-public-execute', () => {
  it('reports a SECURITY DEFINER function left executable by PUBLIC', async () => {
    const { report, schema } = await lint({
      ddl: `${PROJECTS} create function S.count_all() returns bigint language sql security definer
        set search_path = '' as 'select count(*) from S.projects';`,
      tables: projects,
    });
    expect(objectsOf(report, 'security-definer-public-execute')).toEqual([`${schema}.count_all()`]);
  });

  it('stays quiet once EXECUTE is revoked from PUBLIC and granted to one role', async () => {
    const { report } = await lint({
      ddl: `${PROJECTS} create function S.count_all() returns bigint language sql security definer
        set search_path = '' as 'select count(*) from S.projects';`,
      tables: projects,
      after: `revoke execute on function S.count_all() from public; grant execute on function S.count_all() to ${platform};`,
    });
    expect(objectsOf(report, 'security-definer-public-execute')).toEqual([]);
  });
});

describe('app-role-dangerous-grant', () => {
  it('reports TRUNCATE, TRIGGER or REFERENCES held by the app role directly or through PUBLIC', async () => {
    const { report, schema } = await lint({
      ddl: `${PROJECTS} create table S.lookup (code text primary key);`,
      tables: (s) => [...projects(s), { schema: s, name: 'lookup', scope: 'global' }],
      after: `grant truncate, trigger on S.projects to ${app}; grant references on S.lookup to public;`,
    });
    expect(objectsOf(report, 'app-role-dangerous-grant')).toEqual([`${schema}.lookup`, `${schema}.projects`]);
    const f = report.findings.find((x) => x.rule === 'app-role-dangerous-grant' && x.object === `${schema}.projects`);
    expect(f?.message).toBe(`${app} holds TRUNCATE and TRIGGER on ${schema}.projects.`);
  });

  it('stays quiet with the generated DML-only grants', async () => {
    const { report } = await lint({ ddl: PROJECTS, tables: projects });
    expect(objectsOf(report, 'app-role-dangerous-grant')).toEqual([]);
  });
});

describe('app-role-bypasses-rls', () => {
  it('reports an app role with BYPASSRLS', async () => {
    const role = `tenancy_app_${db.suffix}_b`;
    await db.sql.unsafe(`create role ${role} nologin bypassrls`);
    try {
      const { report } = await lint({ ddl: PROJECTS, tables: projects, appRole: role, apply: false });
      expect(objectsOf(report, 'app-role-bypasses-rls')).toEqual([role]);
      expect(report.findings.find((f) => f.rule === 'app-role-bypasses-rls')?.message).toBe(
        `The app role ${role} is BYPASSRLS.`,
      );
    } finally {
      await db.sql.unsafe(`drop role ${role}`);
    }
  });

  it('stays quiet for the contract role: NOSUPERUSER NOBYPASSRLS', async () => {
    const { report } = await lint({ ddl: PROJECTS, tables: projects });
    expect(objectsOf(report, 'app-role-bypasses-rls')).toEqual([]);
  });
});

describe('app-role-owns-tables', () => {
  it('reports tables the app role owns, or owns through a role it is a member of', async () => {
    const owner = `tenancy_owner_${db.suffix}`;
    await db.sql.unsafe(`create role ${owner} nologin`);
    try {
      const { report, schema } = await lint({
        ddl: `${PROJECTS} create table S.lookup (code text primary key);`,
        tables: (s) => [...projects(s), { schema: s, name: 'lookup', scope: 'global' }],
        after: `alter table S.projects owner to ${app}; alter table S.lookup owner to ${owner}; grant ${owner} to ${app};`,
      });
      expect(objectsOf(report, 'app-role-owns-tables')).toEqual([`${schema}.lookup`, `${schema}.projects`]);
    } finally {
      await db.sql.unsafe(`drop role ${owner}`);
    }
  });

  it('stays quiet when the app role owns nothing', async () => {
    const { report } = await lint({ ddl: PROJECTS, tables: projects });
    expect(objectsOf(report, 'app-role-owns-tables')).toEqual([]);
  });
});

describe('login-role-bypasses-rls', () => {
  it('warns when the check connects as a superuser and no login role is named (expected in tests and CI)', async () => {
    const { report } = await lint({ ddl: PROJECTS, tables: projects });
    expect(objectsOf(report, 'login-role-bypasses-rls')).toEqual([currentUser]);
    const f = report.findings.find((x) => x.rule === 'login-role-bypasses-rls');
    expect(f?.severity).toBe('warning');
    expect(f?.message).toContain('expected in CI and tests');
  });

  it('stays quiet for a named login role that is neither superuser nor BYPASSRLS', async () => {
    const { report } = await lint({ ddl: PROJECTS, tables: projects, loginRole: platform });
    expect(objectsOf(report, 'login-role-bypasses-rls')).toEqual([]);
  });
});

describe('login-role-inherits-platform', () => {
  it('reports a login role that inherits the platform role, and stays quiet once it is NOINHERIT', async () => {
    const login = `tenancy_login_${db.suffix}`;
    await db.sql.unsafe(`create role ${login} login inherit`);
    try {
      await applySql(db.sql, generateSql(testConfig(db.suffix, { schemas: ['public'], tables: [] })));
      await db.sql.unsafe(`grant ${app}, ${platform} to ${login}`);
      const inherited = await lint({ ddl: PROJECTS, tables: projects, loginRole: login });
      expect(objectsOf(inherited.report, 'login-role-inherits-platform')).toEqual([login]);
      expect(inherited.report.findings.find((f) => f.rule === 'login-role-inherits-platform')?.severity).toBe('error');

      await db.sql.unsafe(`alter role ${login} noinherit`);
      const member = await lint({ ddl: PROJECTS, tables: projects, loginRole: login });
      expect(objectsOf(member.report, 'login-role-inherits-platform')).toEqual([]);
    } finally {
      await db.sql.unsafe(`drop owned by ${login}`);
      await db.sql.unsafe(`drop role ${login}`);
    }
  });

  it('stays quiet for a superuser login role (login-role-bypasses-rls covers it)', async () => {
    const { report } = await lint({ ddl: PROJECTS, tables: projects });
    expect(objectsOf(report, 'login-role-inherits-platform')).toEqual([]);
  });
});

describe('login-role-owns-tenant-tables', () => {
  it('warns when the login role owns tenant tables', async () => {
    const { report, schema } = await lint({ ddl: PROJECTS, tables: projects });
    expect(objectsOf(report, 'login-role-owns-tenant-tables')).toEqual([`${schema}.projects`]);
  });

  it('stays quiet for a login role that owns nothing', async () => {
    const { report } = await lint({ ddl: PROJECTS, tables: projects, loginRole: platform });
    expect(objectsOf(report, 'login-role-owns-tenant-tables')).toEqual([]);
  });
});

describe('unclassified-table', () => {
  it('reports a table in a managed schema that the config does not list', async () => {
    const { report, schema } = await lint({
      ddl: `${PROJECTS} create table S.stray (id int); create table public.elsewhere_${counter + 1} (id int);`,
      tables: projects,
    });
    expect(objectsOf(report, 'unclassified-table')).toEqual([`${schema}.stray`]);
    await db.sql.unsafe(`drop table public.elsewhere_${counter}`);
  });

  it("stays quiet once the table is classified, even as 'ignore'", async () => {
    const { report } = await lint({
      ddl: `${PROJECTS} create table S.stray (id int);`,
      tables: (s) => [...projects(s), { schema: s, name: 'stray', scope: 'ignore', reason: 'scratch space' }],
    });
    expect(objectsOf(report, 'unclassified-table')).toEqual([]);
  });
});

describe('configured-table-missing', () => {
  it('reports a classified table that does not exist', async () => {
    const { report, schema } = await lint({
      ddl: PROJECTS,
      tables: (s) => [...projects(s), tenantTable(s, 'ghosts')],
      apply: false,
    });
    expect(objectsOf(report, 'configured-table-missing')).toEqual([`${schema}.ghosts`]);
  });

  it("stays quiet for existing tables and for a missing table classified 'ignore'", async () => {
    const { report } = await lint({
      ddl: PROJECTS,
      tables: (s) => [...projects(s), { schema: s, name: 'ghosts', scope: 'ignore' }],
    });
    expect(objectsOf(report, 'configured-table-missing')).toEqual([]);
  });
});
