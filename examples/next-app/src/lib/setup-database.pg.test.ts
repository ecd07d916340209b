import { lintDatabase } from '@tenancy/postgres';
import type { TestDatabase } from '@tenancy/postgres/testing';
import { createTestDatabase, withDatabase } from '@tenancy/postgres/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleConfig } from './config';
import { DEMO_TENANTS, DEMO_USERS } from './demo-data';
import { ensureLoginRole } from './login-role';
import { seedDemo } from './seed';
import { setupDatabase } from './setup-database';

let db: TestDatabase;
let config: ReturnType<typeof exampleConfig>;

beforeAll(async () => {
  db = await createTestDatabase();
  config = exampleConfig({ app: `tenancy_app_${db.suffix}`, platform: `tenancy_platform_${db.suffix}` });
  await setupDatabase(db.sql, config);
}, 120_000);

afterAll(async () => {
  await db.drop();
  const admin = postgres(withDatabase(db.url, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    for (const role of [`${config.roles.app}_next_login`, config.roles.app, config.roles.platform]) {
      await admin.unsafe(`drop role if exists "${role}"`);
    }
  } finally {
    await admin.end();
  }
});

// Runs `sql` as the app role inside one tenant, as every tenant unit of work does.
async function asTenant<T>(tenantId: string, fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return (await db.sql.begin(async (tx) => {
    await tx`select set_config('role', ${config.roles.app}, true), set_config('tenancy.tenant_id', ${tenantId}, true)`;
    return fn(tx);
  })) as T;
}

describe('the next-app database', () => {
  it('seeds the demo once and reports it present the second time', async () => {
    expect(await seedDemo(db.sql, config)).toBe('seeded');
    expect(await seedDemo(db.sql, config)).toBe('present');
    const [acme, globex] = DEMO_TENANTS;
    const rows = await db.sql<Array<{ slug: string; projects: string[] }>>`
      select t.slug, array_agg(p.name order by p.name) as projects
      from tenancy.tenants t join public.projects p on p.tenant_id = t.id group by t.slug order by t.slug`;
    expect(rows.map((r) => ({ ...r }))).toEqual([
      { slug: 'acme', projects: [...acme.projects] },
      { slug: 'globex', projects: [...globex.projects] },
    ]);
  });

  it('passes tenancy check without a finding for the login role the app uses', async () => {
    const login = await ensureLoginRole(db.sql, db.url, config);
    const report = await lintDatabase({ sql: db.sql, config, loginRole: login.name });
    expect(report.findings.map((f) => `${f.rule} ${f.object}`)).toEqual([]);
    expect(report.errorCount).toBe(0);
  });

  it('refuses every read by the login role itself: reads go through the app or the platform role', async () => {
    const login = await ensureLoginRole(db.sql, db.url, config);
    const sql = postgres(login.url, { max: 1, onnotice: () => {} });
    try {
      await expect(sql`select count(*)::int as n from public.projects`).rejects.toMatchObject({ code: '42501' });
      await expect(sql`select count(*)::int as n from public.credentials`).rejects.toMatchObject({ code: '42501' });
    } finally {
      await sql.end();
    }
  });

  it('shows the app role only the current tenant’s projects', async () => {
    const [acme, globex] = DEMO_TENANTS;
    const names = await asTenant(acme.id, (tx) => tx<Array<{ name: string }>>`select name from projects order by name`);
    expect(names.map((r) => r.name)).toEqual([...acme.projects]);
    const other = await asTenant(
      acme.id,
      (tx) => tx<Array<{ name: string }>>`select name from projects where tenant_id = ${globex.id}`,
    );
    expect(other).toEqual([]);
  });

  it('gives the app role no access to credentials, even inside a tenant', async () => {
    const [acme] = DEMO_TENANTS;
    await expect(asTenant(acme.id, (tx) => tx`select * from public.credentials`)).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('lets the platform role read credentials, one hash per demo user', async () => {
    const rows = await db.sql.begin(async (tx) => {
      await tx`select set_config('role', ${config.roles.platform}, true)`;
      return tx<Array<{ user_id: string; platform_admin: boolean }>>`
        select user_id, platform_admin from public.credentials order by user_id`;
    });
    expect(rows.map((r) => ({ ...r }))).toEqual(
      Object.values(DEMO_USERS)
        .map((u) => ({ user_id: u.id, platform_admin: u.platformAdmin }))
        .sort((a, b) => a.user_id.localeCompare(b.user_id)),
    );
  });
});
