import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/index.js';
import { generateSql } from '../generate/index.js';
import type { TestDatabase } from '../testing/create-test-database.js';
import { createTestDatabase } from '../testing/create-test-database.js';
import { diffDatabase } from './diff-database.js';
import { formatDiff } from './format-diff.js';
import { applySql, dropRoles } from './test-support.js';

// `tenancy diff` on a database that has only the application's tables lists everything apply would create; after
// apply it lists nothing; after a hand edit it lists exactly what apply would put back.

let db: TestDatabase;
let app: string;
let platform: string;
let currentUser: string;

const config = () =>
  resolveConfig({
    roles: { app, platform },
    tables: { projects: { scope: 'tenant' }, countries: { scope: 'global' }, migrations: { scope: 'ignore' } },
  });

beforeAll(async () => {
  db = await createTestDatabase();
  app = `tenancy_app_${db.suffix}`;
  platform = `tenancy_platform_${db.suffix}`;
  const [row] = await db.sql<{ u: string }[]>`select current_user as u`;
  currentUser = row!.u;
  await db.sql.unsafe(`
    create table projects (tenant_id uuid not null, id bigserial, name text, primary key (tenant_id, id));
    create table countries (code text primary key);
    create table migrations (version text primary key);`);
});

afterAll(async () => {
  await db.drop();
  await dropRoles(db, [app, platform]);
});

describe('diffDatabase', () => {
  it('lists everything apply would create on a database without tenancy, and creates none of it', async () => {
    const diff = await diffDatabase({ sql: db.sql, config: config() });
    expect(diff.changes.map((c) => [c.action, c.kind, c.object])).toEqual([
      ['add', 'role', app],
      ['add', 'role', platform],
      ['add', 'membership', `${app} to ${currentUser}`],
      ['add', 'membership', `${platform} to ${currentUser}`],
      ['add', 'schema', 'tenancy'],
      ['add', 'schema-grant', `tenancy to ${app}`],
      ['add', 'schema-grant', `tenancy to ${platform}`],
      ['add', 'function', 'tenancy.forbid_tenant_change()'],
      ['add', 'function', 'tenancy.tenant_id()'],
      ['add', 'function', 'tenancy.user_id()'],
      ['add', 'function', 'tenancy.workspace_id()'],
      ['add', 'function-grant', 'tenancy.forbid_tenant_change() to public'],
      ['add', 'function-grant', 'tenancy.tenant_id() to public'],
      ['add', 'function-grant', `tenancy.tenant_id() to ${app}`],
      ['add', 'function-grant', `tenancy.tenant_id() to ${platform}`],
      ['add', 'function-grant', 'tenancy.user_id() to public'],
      ['add', 'function-grant', `tenancy.user_id() to ${app}`],
      ['add', 'function-grant', `tenancy.user_id() to ${platform}`],
      ['add', 'function-grant', 'tenancy.workspace_id() to public'],
      ['add', 'function-grant', `tenancy.workspace_id() to ${app}`],
      ['add', 'function-grant', `tenancy.workspace_id() to ${platform}`],
      ['change', 'column-default', 'public.projects.tenant_id'],
      ['change', 'rls', 'public.countries'],
      ['change', 'rls', 'public.projects'],
      ['add', 'grant', `public.countries to ${app}`],
      ['add', 'grant', `public.countries to ${platform}`],
      ['add', 'grant', `public.projects to ${app}`],
      ['add', 'grant', `public.projects to ${platform}`],
      ['add', 'grant', `public.projects_id_seq to ${app}`],
      ['add', 'grant', `public.projects_id_seq to ${platform}`],
      ['add', 'trigger', 'public.projects.tenancy_forbid_tenant_change'],
      ['add', 'policy', 'public.countries.tenancy_global_read'],
      ['add', 'policy', 'public.countries.tenancy_platform_access'],
      ['add', 'policy', 'public.projects.tenancy_platform_access'],
      ['add', 'policy', 'public.projects.tenancy_tenant_guard'],
      ['add', 'policy', 'public.projects.tenancy_tenant_isolation'],
    ]);
    expect(diff.changes.find((c) => c.kind === 'rls' && c.object === 'public.projects')).toEqual({
      action: 'change',
      kind: 'rls',
      object: 'public.projects',
      before: 'disabled, not forced',
      after: 'enabled, forced',
    });
    expect([diff.added, diff.changed, diff.removed]).toEqual([33, 3, 0]);
    const roles = await db.sql`select 1 from pg_roles where rolname in (${app}, ${platform})`;
    expect(roles.length).toBe(0);
    const schema = await db.sql`select 1 from pg_namespace where nspname = 'tenancy'`;
    expect(schema.length).toBe(0);
  });

  it('lists nothing after apply', async () => {
    await applySql(db.sql, generateSql(config()));
    const diff = await diffDatabase({ sql: db.sql, config: config() });
    expect(diff.changes).toEqual([]);
    expect(formatDiff(diff, 'text')).toBe(
      'tenancy diff: the database matches the generated SQL; apply would change nothing.\n',
    );
  });

  it('lists what apply would put back after hand edits, including a TRUNCATE it would revoke', async () => {
    await db.sql`alter table projects no force row level security`;
    await db.sql.unsafe(`grant truncate on projects to ${app}`);
    await db.sql`drop policy tenancy_tenant_guard on projects`;
    try {
      const diff = await diffDatabase({ sql: db.sql, config: config() });
      expect(diff.changes).toEqual([
        {
          action: 'change',
          kind: 'rls',
          object: 'public.projects',
          before: 'enabled, not forced',
          after: 'enabled, forced',
        },
        {
          action: 'change',
          kind: 'grant',
          object: `public.projects to ${app}`,
          before: 'delete, insert, select, truncate, update',
          after: 'delete, insert, select, update',
        },
        {
          action: 'add',
          kind: 'policy',
          object: 'public.projects.tenancy_tenant_guard',
          after:
            `as restrictive for all to ${app} using ((tenant_id = ( SELECT tenancy.tenant_id() AS tenant_id))) ` +
            'with check ((tenant_id = ( SELECT tenancy.tenant_id() AS tenant_id)))',
        },
      ]);
      expect(formatDiff(diff, 'text')).toBe(
        [
          '~ rls public.projects',
          '    - enabled, not forced',
          '    + enabled, forced',
          `~ grant public.projects to ${app}`,
          '    - delete, insert, select, truncate, update',
          '    + delete, insert, select, update',
          '+ policy public.projects.tenancy_tenant_guard',
          `    as restrictive for all to ${app} using ((tenant_id = ( SELECT tenancy.tenant_id() AS tenant_id))) with check ((tenant_id = ( SELECT tenancy.tenant_id() AS tenant_id)))`,
          '',
          'tenancy diff: apply would add 1, change 2, remove 0 (3 in all).',
          '',
        ].join('\n'),
      );
      const json = JSON.parse(formatDiff(diff, 'json'));
      expect(json.version).toBe(1);
      expect(json.changes[2]).toEqual({
        action: 'add',
        kind: 'policy',
        object: 'public.projects.tenancy_tenant_guard',
        after: diff.changes[2]!.after,
      });
    } finally {
      await applySql(db.sql, generateSql(config()));
    }
  });
});
