import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/index.js';
import { generateSql } from '../../generate/index.js';
import type { TestDatabase } from '../../testing/create-test-database.js';
import { createTestDatabase } from '../../testing/create-test-database.js';
import { lintDatabase } from '../lint-database.js';
import { applySql, dropRoles, objectsOf } from '../test-support.js';

// The drift rule: someone changes the live database by hand after `tenancy apply`; `tenancy check` must say what
// differs from the generated SQL, and the check itself must leave the database exactly as it found it.

let db: TestDatabase;
let app: string;
let platform: string;
let other: string;

const config = () =>
  resolveConfig({
    roles: { app, platform },
    tables: {
      projects: { scope: 'tenant' },
      audit_log: { scope: 'tenant', grants: ['select', 'insert'] },
      countries: { scope: 'global' },
    },
  });

const drift = async () => {
  const report = await lintDatabase({ sql: db.sql, config: config() });
  return { report, objects: objectsOf(report, 'policy-drift') };
};

const message = (report: Awaited<ReturnType<typeof lintDatabase>>, object: string) =>
  report.findings.find((f) => f.rule === 'policy-drift' && f.object === object)?.message;

beforeAll(async () => {
  db = await createTestDatabase();
  app = `tenancy_app_${db.suffix}`;
  platform = `tenancy_platform_${db.suffix}`;
  other = `tenancy_reporting_${db.suffix}`;
  await db.sql.unsafe(`
    create table projects (tenant_id uuid not null, id uuid not null, name text, primary key (tenant_id, id));
    create table audit_log (tenant_id uuid not null, id bigint not null, primary key (tenant_id, id));
    create table countries (code text primary key);
    create role ${other} nologin;`);
});

// Every test starts from a freshly applied schema; the generated SQL converges whatever the last test changed.
beforeEach(async () => {
  await db.sql.unsafe('drop policy if exists sneaky on projects; drop policy if exists reporting on projects');
  await applySql(db.sql, generateSql(config()));
});

afterAll(async () => {
  await db.drop();
  await dropRoles(db, [app, platform, other]);
});

describe('policy-drift', () => {
  it('stays quiet right after apply', async () => {
    const { report, objects } = await drift();
    expect(objects).toEqual([]);
    expect(report.errorCount).toBe(0);
  });

  it('reports a generated policy that someone altered by hand', async () => {
    await db.sql`alter policy tenancy_tenant_isolation on projects using (true)`;
    const { report, objects } = await drift();
    expect(objects).toEqual(['public.projects.tenancy_tenant_isolation']);
    expect(message(report, 'public.projects.tenancy_tenant_isolation')).toBe(
      `Policy public.projects.tenancy_tenant_isolation differs: live as permissive for all to ${app} using (true) ` +
        `with check ((tenant_id = ( SELECT tenancy.tenant_id() AS tenant_id))); generated as permissive for all to ${app} ` +
        'using ((tenant_id = ( SELECT tenancy.tenant_id() AS tenant_id))) with check ((tenant_id = ( SELECT tenancy.tenant_id() AS tenant_id)))',
    );
  });

  it('reports a permissive policy someone added for PUBLIC, which apply would leave in place', async () => {
    await db.sql`create policy sneaky on projects for select using (name is not null)`;
    const { report, objects } = await drift();
    expect(objects).toEqual(['public.projects.sneaky']);
    expect(message(report, 'public.projects.sneaky')).toBe(
      'Policy public.projects.sneaky is not part of the generated SQL: as permissive for select to public using ((name IS NOT NULL))',
    );
  });

  it('ignores a policy for an unrelated role: it cannot affect the tenancy roles', async () => {
    await db.sql.unsafe(`create policy reporting on projects for select to ${other} using (true)`);
    const { objects } = await drift();
    expect(objects).toEqual([]);
  });

  it('reports FORCE switched off', async () => {
    await db.sql`alter table projects no force row level security`;
    const { report, objects } = await drift();
    expect(objects).toEqual(['public.projects']);
    expect(message(report, 'public.projects')).toBe(
      'Row level security public.projects differs: live enabled, not forced; generated enabled, forced',
    );
  });

  it('reports a privilege granted by hand, a dropped trigger and a dropped default', async () => {
    await db.sql.unsafe(`grant update on audit_log to ${app}`);
    await db.sql`drop trigger tenancy_forbid_tenant_change on projects`;
    await db.sql`alter table audit_log alter column tenant_id drop default`;
    const { objects } = await drift();
    expect(objects).toEqual([
      `public.audit_log to ${app}`,
      'public.audit_log.tenant_id',
      'public.projects.tenancy_forbid_tenant_change',
    ]);
  });

  it('reports a helper function replaced by hand', async () => {
    await db.sql`create or replace function tenancy.tenant_id() returns uuid language sql stable
      as $$ select '00000000-0000-0000-0000-000000000001'::uuid $$`;
    const { objects } = await drift();
    expect(objects).toEqual(['tenancy.tenant_id()']);
  });

  it('leaves the database exactly as it found it', async () => {
    await db.sql`alter table projects no force row level security`;
    await db.sql`create policy sneaky on projects for select using (true)`;
    await drift();
    const [row] = await db.sql<{ forced: boolean; policies: number }[]>`
      select relforcerowsecurity as forced,
        (select count(*)::int from pg_policy where polrelid = 'projects'::regclass) as policies
      from pg_class where oid = 'projects'::regclass`;
    expect(row).toEqual({ forced: false, policies: 3 + 1 });
  });

  it('reports why it could not run when the generated SQL fails on this database', async () => {
    const broken = resolveConfig({
      roles: { app, platform },
      tables: { projects: { scope: 'tenant' }, ghosts: { scope: 'tenant' } },
    });
    const report = await lintDatabase({ sql: db.sql, config: broken });
    expect(objectsOf(report, 'policy-drift')).toEqual([db.name]);
    expect(report.findings.find((f) => f.rule === 'policy-drift')?.message).toContain(
      'configured tables or columns do not exist: public.ghosts',
    );
  });

  it('reports a config the generator refuses as a drift finding and still runs the other rules', async () => {
    const supabase = resolveConfig({
      dialect: 'supabase',
      roles: { app, platform },
      tables: { projects: { scope: 'tenant' } },
    });
    const report = await lintDatabase({ sql: db.sql, config: supabase });
    expect(objectsOf(report, 'policy-drift')).toEqual([db.name]);
    expect(report.findings.find((f) => f.rule === 'policy-drift')?.message).toContain('@tenancy/supabase');
    expect(objectsOf(report, 'unclassified-table')).toEqual(['public.audit_log', 'public.countries']);
  });

  it('gives up after lockTimeout instead of queueing behind a long transaction', async () => {
    const holder = await db.sql.reserve();
    try {
      await holder`begin`;
      await holder`select count(*) from projects`;
      const report = await lintDatabase({ sql: db.sql, config: config(), lockTimeout: '200ms' });
      expect(objectsOf(report, 'policy-drift')).toEqual([db.name]);
      expect(report.findings.find((f) => f.rule === 'policy-drift')?.message).toContain('lock timeout');
    } finally {
      await holder`rollback`;
      holder.release();
    }
  });

  it('can be turned off', async () => {
    await db.sql`alter policy tenancy_tenant_isolation on projects using (true)`;
    const report = await lintDatabase({ sql: db.sql, config: config(), drift: false });
    expect(objectsOf(report, 'policy-drift')).toEqual([]);
  });
});
