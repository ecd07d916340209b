import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateTenantResult } from '../lifecycle/create-tenant.js';
import { createTenantLifecycle } from '../lifecycle/create-tenant-lifecycle.js';
import { lintDatabase } from '../lint/lint-database.js';
import { AUDIT_MAINTENANCE_SETTING } from './foundation-sql.js';
import type { FoundationTestDatabase } from './test-foundation.js';
import { createFoundationTestDatabase } from './test-foundation.js';

let db: FoundationTestDatabase;
let acme: CreateTenantResult;
let globex: CreateTenantResult;
let viewer: string;
let admin: string;

beforeAll(async () => {
  db = await createFoundationTestDatabase(
    { tables: { projects: { scope: 'tenant' } } },
    `create table public.projects (
      tenant_id uuid not null references tenancy.tenants (id),
      id uuid not null default gen_random_uuid(),
      name text not null,
      primary key (tenant_id, id)
    )`,
  );
  const lifecycle = createTenantLifecycle({ sql: db.sql, config: db.config });
  acme = await lifecycle.createTenant({ slug: 'acme', name: 'Acme', owner: { email: 'ada@acme.test' } });
  globex = await lifecycle.createTenant({ slug: 'globex', name: 'Globex', owner: { email: 'hank@globex.test' } });
  for (const [email, role] of [
    ['vera@acme.test', 'viewer'],
    ['adam@acme.test', 'admin'],
  ] as const) {
    const { token } = await lifecycle.inviteMember({ tenantId: acme.tenant.id, email, roles: [role] });
    const { userId } = await lifecycle.acceptInvitation({ token, user: { email } });
    if (role === 'viewer') viewer = userId;
    else admin = userId;
  }
});
afterAll(() => db.dropAll());

type Tx = postgres.TransactionSql;

/** One unit of work as the app role, the way the tenant-scoped wrapper opens it. Rolled back: tests share data. */
async function asApp<T>(tenantId: string | null, userId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let result: T | undefined;
  await db.sql
    .begin(async (tx) => {
      await tx`select set_config('tenancy.tenant_id', ${tenantId ?? ''}, true),
        set_config('tenancy.user_id', ${userId ?? ''}, true), set_config('tenancy.workspace_id', '', true),
        set_config('role', ${db.config.roles.app}, true)`;
      result = await fn(tx);
      throw new Rollback();
    })
    .catch((error) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return result as T;
}
class Rollback extends Error {}

async function asPlatform<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  let result: T | undefined;
  await db.sql
    .begin(async (tx) => {
      await tx`select set_config('role', ${db.config.roles.platform}, true)`;
      result = await fn(tx);
      throw new Rollback();
    })
    .catch((error) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return result as T;
}

const sqlState = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: { code?: string }) => error.code,
  );

describe('the foundation under row level security', () => {
  it('passes the isolation linter with zero findings, drift check included', async () => {
    // The runtime login role as the docs prescribe it: no superuser, owns nothing, granted the two roles. The
    // migration role (here the superuser) owns the tables, which is what the login-role rules want.
    const login = `tenancy_login_${db.suffix}`;
    await db.sql.unsafe(`create role "${login}" login nosuperuser nobypassrls noinherit;
      grant "${db.config.roles.app}" to "${login}"; grant "${db.config.roles.platform}" to "${login}"`);
    let report: Awaited<ReturnType<typeof lintDatabase>>;
    try {
      report = await lintDatabase({ sql: db.sql, config: db.config, loginRole: login });
    } finally {
      await db.sql.unsafe(`drop owned by "${login}"; drop role "${login}"`);
    }
    expect(report.findings).toEqual([]);
    // The two accepted findings, each with its reason.
    expect(report.suppressed.map((f) => f.object).sort()).toEqual([
      'tenancy.domains.domains_domain_key',
      'tenancy.tenants.tenants_slug_key',
    ]);
  });

  it('shows the app role its own tenant row only, read-only', async () => {
    const rows = await asApp(
      acme.tenant.id,
      acme.owner.id,
      (tx) => tx<{ id: string }[]>`select id from tenancy.tenants`,
    );
    expect(rows.map((r) => r.id)).toEqual([acme.tenant.id]);
    expect(
      await sqlState(asApp(acme.tenant.id, acme.owner.id, (tx) => tx`update tenancy.tenants set name = 'x'`)),
    ).toBe('42501');
    const none = await asApp(null, null, (tx) => tx<{ id: string }[]>`select id from tenancy.tenants`);
    expect(none.length).toBe(0);
  });

  it('shows the app role the users of its own tenant only, never the platform user list', async () => {
    const acmeUsers = await asApp(
      acme.tenant.id,
      acme.owner.id,
      (tx) => tx<{ email: string }[]>`select email from tenancy.users order by email`,
    );
    expect(acmeUsers.map((r) => r.email)).toEqual(['ada@acme.test', 'adam@acme.test', 'vera@acme.test']);
    const globexUsers = await asApp(
      globex.tenant.id,
      null,
      (tx) => tx<{ email: string }[]>`select email from tenancy.users`,
    );
    expect(globexUsers.map((r) => r.email)).toEqual(['hank@globex.test']);
    expect((await asApp(null, null, (tx) => tx<{ email: string }[]>`select email from tenancy.users`)).length).toBe(0);
  });

  it('closes the platform audit log to the app role', async () => {
    expect(await sqlState(asApp(acme.tenant.id, null, (tx) => tx`select * from tenancy.platform_audit_log`))).toBe(
      '42501',
    );
  });

  it('lets members append to the audit log, only audit:read holders read it, and nobody change it', async () => {
    // No RETURNING: it would need the read permission the viewer lacks.
    const appended = await asApp(acme.tenant.id, viewer, async (tx) => {
      await tx`insert into tenancy.audit_log (action, data) values ('project.archived', '{"project":"p1"}')`;
      await tx`select set_config('role', ${db.config.roles.platform}, true)`;
      return tx`select actor_id, tenant_id from tenancy.audit_log where action = 'project.archived'`;
    });
    expect([...appended]).toEqual([{ actor_id: viewer, tenant_id: acme.tenant.id }]);
    expect((await asApp(acme.tenant.id, viewer, (tx) => tx`select 1 from tenancy.audit_log`)).length).toBe(0);
    expect((await asApp(acme.tenant.id, admin, (tx) => tx`select 1 from tenancy.audit_log`)).length).toBeGreaterThan(0);
    expect(await sqlState(asApp(acme.tenant.id, admin, (tx) => tx`update tenancy.audit_log set action = 'x.y'`))).toBe(
      '42501',
    );
    expect(await sqlState(asApp(acme.tenant.id, admin, (tx) => tx`delete from tenancy.audit_log`))).toBe('42501');
    // Even the platform role: refused by the append-only trigger unless the tenant's erasure was announced.
    expect(
      await sqlState(asPlatform((tx) => tx`delete from tenancy.audit_log where tenant_id = ${acme.tenant.id}`)),
    ).toBe('42501');
    expect(await sqlState(asPlatform((tx) => tx`update tenancy.audit_log set action = 'x.y'`))).toBe('42501');
    const erased = await asPlatform(async (tx) => {
      await tx`select set_config(${AUDIT_MAINTENANCE_SETTING}, ${acme.tenant.id}, true)`;
      const other = await sqlState(tx`delete from tenancy.audit_log where tenant_id = ${globex.tenant.id}`);
      return other;
    });
    expect(erased).toBe('42501');
    const allowed = await asPlatform(async (tx) => {
      await tx`select set_config(${AUDIT_MAINTENANCE_SETTING}, ${acme.tenant.id}, true)`;
      return (await tx`delete from tenancy.audit_log where tenant_id = ${acme.tenant.id}`).count;
    });
    expect(allowed).toBeGreaterThan(0);
    expect(await sqlState(db.sql`truncate tenancy.audit_log`)).toBe('42501');
  });

  it('lets only holders of member:add add members, through has_permission', async () => {
    const add = (tx: Tx) =>
      tx`insert into tenancy.memberships (user_id, roles) values (${globex.owner.id}, '{viewer}') returning tenant_id`;
    expect(await sqlState(asApp(acme.tenant.id, viewer, add))).toBe('42501');
    const [row] = await asApp(acme.tenant.id, admin, add);
    expect(row).toEqual({ tenant_id: acme.tenant.id });
    // A viewer cannot promote themselves either.
    expect(
      await sqlState(
        asApp(
          acme.tenant.id,
          viewer,
          (tx) => tx`update tenancy.memberships set roles = '{owner}' where user_id = ${viewer}`,
        ),
      ),
    ).toBe('ok');
    const [after] = await asApp(acme.tenant.id, viewer, async (tx) => {
      await tx`update tenancy.memberships set roles = '{owner}' where user_id = ${viewer}`;
      return tx`select roles from tenancy.memberships where user_id = ${viewer}`;
    });
    expect(after).toEqual({ roles: ['viewer'] });
  });

  it('makes a reference across tenants impossible: composite foreign keys', async () => {
    const state = await sqlState(
      asPlatform(
        (tx) => tx`insert into tenancy.workspace_memberships (tenant_id, workspace_id, user_id)
          values (${acme.tenant.id}, ${globex.workspace.id}, ${acme.owner.id})`,
      ),
    );
    expect(state).toBe('23503');
  });

  it('refuses a workspace cycle, non-object settings and a malformed slug', async () => {
    const cycle = await sqlState(
      asPlatform(async (tx) => {
        const [child] = await tx<{ id: string }[]>`insert into tenancy.workspaces (tenant_id, slug, name, parent_id)
          values (${acme.tenant.id}, 'child', 'Child', ${acme.workspace.id}) returning id`;
        await tx`update tenancy.workspaces set parent_id = ${child?.id ?? null} where tenant_id = ${acme.tenant.id} and id = ${acme.workspace.id}`;
      }),
    );
    expect(cycle).toBe('23514');
    expect(
      await sqlState(asPlatform((tx) => tx`update tenancy.tenants set settings = '[]' where id = ${acme.tenant.id}`)),
    ).toBe('23514');
    expect(
      await sqlState(
        asPlatform((tx) => tx`update tenancy.tenants set slug = 'Not A Slug' where id = ${acme.tenant.id}`),
      ),
    ).toBe('23514');
  });
});
