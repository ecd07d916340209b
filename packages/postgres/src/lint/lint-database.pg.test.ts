import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedTenancyConfig } from '../config/index.js';
import { resolveConfig } from '../config/index.js';
import { generateSql } from '../generate/index.js';
import type { TestDatabase } from '../testing/create-test-database.js';
import { createTestDatabase } from '../testing/create-test-database.js';
import { formatLintReport } from './format-lint-report.js';
import { lintDatabase } from './lint-database.js';
import { applySql, dropRoles } from './test-support.js';

// A realistic application schema, built only from its migrations plus the generated SQL, must lint clean: zero
// errors, and with a proper login role zero findings at all.

let db: TestDatabase;
let currentUser: string;
let app: string;
let platform: string;
let login: string;

const SCHEMA = `
  create table public.projects (tenant_id uuid not null, id uuid not null default gen_random_uuid(), name text not null,
    primary key (tenant_id, id), unique (tenant_id, name));
  create table public.tasks (tenant_id uuid not null, id bigserial, project_id uuid not null, title text,
    country text, primary key (tenant_id, id),
    foreign key (tenant_id, project_id) references public.projects (tenant_id, id));
  create table public.audit_log (tenant_id uuid not null, id bigint generated always as identity,
    at timestamptz not null default now(), primary key (tenant_id, id));
  create table public.documents (tenant_id uuid not null, workspace_id uuid not null, id uuid not null,
    primary key (tenant_id, id));
  create index on public.documents (tenant_id, workspace_id);
  create table public.countries (code text primary key, name text not null);
  alter table public.tasks add foreign key (country) references public.countries (code);
  create table public.events (tenant_id uuid not null, id bigint not null, primary key (tenant_id, id))
    partition by hash (tenant_id);
  create table public.events_0 partition of public.events for values with (modulus 2, remainder 0);
  create table public.events_1 partition of public.events for values with (modulus 2, remainder 1);
  create table public.schema_migrations (version text primary key);
  create view public.project_names with (security_invoker = true) as select tenant_id, name from public.projects;
`;

function config(extra: { allow?: ResolvedTenancyConfig['lint']['allow'] } = {}) {
  return resolveConfig({
    roles: { app, platform },
    tables: {
      projects: { scope: 'tenant' },
      tasks: { scope: 'tenant' },
      audit_log: { scope: 'tenant', grants: ['select', 'insert'] },
      documents: { scope: 'workspace', workspaceColumn: 'workspace_id' },
      countries: { scope: 'global' },
      events: { scope: 'tenant' },
      schema_migrations: { scope: 'ignore', reason: 'owned by the migration tool' },
    },
    lint: { allow: extra.allow ?? [] },
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  app = `tenancy_app_${db.suffix}`;
  platform = `tenancy_platform_${db.suffix}`;
  login = `tenancy_login_${db.suffix}`;
  const [row] = await db.sql<{ u: string }[]>`select current_user as u`;
  currentUser = row!.u;
  await db.sql.unsafe(SCHEMA);
  await applySql(db.sql, generateSql(config()));
  await db.sql.unsafe(
    `create role ${login} login nosuperuser nobypassrls noinherit; grant ${app}, ${platform} to ${login}`,
  );
});

afterAll(async () => {
  await db.drop();
  await dropRoles(db, [login, app, platform]);
});

describe('lintDatabase', () => {
  it('finds no errors on a schema built from migrations plus the generated SQL (drift check included)', async () => {
    const report = await lintDatabase({ sql: db.sql, config: config() });
    expect(report.errorCount).toBe(0);
    // The check connects as the superuser that owns the tables: exactly the two expected login-role warnings.
    expect(report.findings.map((f) => [f.rule, f.object])).toEqual([
      ['login-role-bypasses-rls', currentUser],
      ['login-role-owns-tenant-tables', 'public.audit_log'],
      ['login-role-owns-tenant-tables', 'public.documents'],
      ['login-role-owns-tenant-tables', 'public.events'],
      ['login-role-owns-tenant-tables', 'public.projects'],
      ['login-role-owns-tenant-tables', 'public.tasks'],
    ]);
    expect(report.warningCount).toBe(6);
    expect(report.suppressed).toEqual([]);
  });

  it('reports nothing at all when told the runtime login role, which owns nothing and bypasses nothing', async () => {
    const report = await lintDatabase({ sql: db.sql, config: config(), loginRole: login });
    expect(report.findings).toEqual([]);
    expect(formatLintReport(report, 'text')).toBe('tenancy check: 0 errors, 0 warnings, 0 suppressed. Passed.\n');
  });

  it('moves allowed findings to suppressed with their reason and reports allowances that match nothing', async () => {
    await db.sql`create table public.legacy_users (id int primary key)`;
    await db.sql`create table public.legacy_orders (id int primary key)`;
    try {
      const report = await lintDatabase({
        sql: db.sql,
        config: config({
          allow: [
            { rule: 'unclassified-table', object: 'public.legacy_*', reason: 'dropped in the next release' },
            { rule: 'rls-disabled', object: 'public.gone', reason: 'fixed long ago' },
          ],
        }),
        loginRole: login,
        drift: false,
      });
      expect(report.suppressed.map((f) => [f.rule, f.object, f.reason])).toEqual([
        ['unclassified-table', 'public.legacy_orders', 'dropped in the next release'],
        ['unclassified-table', 'public.legacy_users', 'dropped in the next release'],
      ]);
      expect(report.findings.map((f) => [f.rule, f.severity, f.object])).toEqual([
        ['stale-suppression', 'warning', 'rls-disabled:public.gone'],
      ]);
      expect(report.errorCount).toBe(0);
      expect(report.warningCount).toBe(1);
    } finally {
      await db.sql`drop table public.legacy_users, public.legacy_orders`;
    }
  });

  it('counts errors so that tenancy check can exit 1, and prints them first in text and JSON', async () => {
    await db.sql`alter table public.projects no force row level security`;
    await db.sql`create table public.stray (id int)`;
    try {
      const report = await lintDatabase({ sql: db.sql, config: config(), loginRole: login, drift: false });
      expect(report.errorCount).toBe(2);
      expect(report.findings.map((f) => [f.severity, f.rule, f.object])).toEqual([
        ['error', 'rls-not-forced', 'public.projects'],
        ['error', 'unclassified-table', 'public.stray'],
      ]);
      const json = JSON.parse(formatLintReport(report, 'json'));
      expect(json.version).toBe(1);
      expect(json.errorCount).toBe(2);
      expect(json.findings[0]).toEqual({
        rule: 'rls-not-forced',
        severity: 'error',
        object: 'public.projects',
        message: 'Row level security is enabled but not forced on tenant table public.projects.',
        why: report.findings[0]!.why,
        fix: 'alter table public.projects force row level security; (or run `tenancy apply`)',
      });
      const text = formatLintReport(report, 'text');
      expect(text.startsWith('Errors (2)\n\nerror  rls-not-forced  public.projects\n')).toBe(true);
      expect(
        text.endsWith(
          'tenancy check: 2 errors, 0 warnings, 0 suppressed. Failing: fix the errors or suppress them with a reason in lint.allow.\n',
        ),
      ).toBe(true);
    } finally {
      await db.sql`drop table public.stray`;
      await db.sql`alter table public.projects force row level security`;
    }
  });

  it('works through a client that transforms column names', async () => {
    const camel = postgres(db.url, { max: 1, transform: postgres.camel, onnotice: () => {} });
    try {
      const report = await lintDatabase({ sql: camel, config: config(), loginRole: login });
      expect(report.findings).toEqual([]);
    } finally {
      await camel.end();
    }
  });
});
