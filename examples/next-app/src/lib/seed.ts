import type { ResolvedTenancyConfig } from '@tenancy/postgres';
import { createTenantDb, createTenantLifecycle, withPlatformTransaction } from '@tenancy/postgres';
import type postgres from 'postgres';
import { projects } from './database-schema';
import { DEMO_PASSWORD, DEMO_TENANTS, DEMO_USERS } from './demo-data';
import { hashPassword } from './passwords';
import { ROLES } from './permissions';

/**
 * Seeds the demo tenants, users, memberships, credentials and projects through the SDK (lifecycle for tenants and
 * members, the tenant-scoped database for projects). Does nothing when the demo tenants exist already.
 * @example
 * await seedDemo(sql, config);
 */
export async function seedDemo(sql: postgres.Sql, config: ResolvedTenancyConfig): Promise<'seeded' | 'present'> {
  const s = config.helperSchema;
  const present = await withPlatformTransaction(sql, config, { readOnly: true }, async (tx) => {
    const rows = await tx`select 1 from ${tx(s)}.tenants where id = ${DEMO_TENANTS[0].id}`;
    return rows.length > 0;
  });
  if (present) return 'present';

  const lifecycle = createTenantLifecycle({ sql, config });
  for (const tenant of DEMO_TENANTS) {
    await lifecycle.createTenant({
      id: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      owner: { id: tenant.owner.id, email: tenant.owner.email, displayName: tenant.owner.name },
      branding: { primaryColor: tenant.primaryColor },
      roles: ROLES,
    });
    for (const { user, role } of tenant.members) {
      const { token } = await lifecycle.inviteMember({
        tenantId: tenant.id,
        email: user.email,
        roles: [role],
        invitedBy: tenant.owner.id,
      });
      await lifecycle.acceptInvitation({ token, user: { id: user.id, email: user.email, displayName: user.name } });
    }
  }

  const users = Object.values(DEMO_USERS);
  const hashes = await Promise.all(users.map(() => hashPassword(DEMO_PASSWORD)));
  await withPlatformTransaction(sql, config, {}, async (tx) => {
    for (const [i, user] of users.entries()) {
      // Ops belongs to no tenant, so no lifecycle call created them.
      await tx`insert into ${tx(s)}.users (id, email, display_name) values (${user.id}, ${user.email}, ${user.name})
        on conflict (id) do nothing`;
      await tx`insert into public.credentials (user_id, password_hash, platform_admin)
        values (${user.id}, ${hashes[i] ?? ''}, ${user.platformAdmin})`;
    }
  });

  // Projects go in as tenant data, through the app role and RLS, exactly as the app writes them. Last, because
  // createTenantDb installs Drizzle's serializers on `sql`, and the lifecycle's jsonb parameters need postgres.js's.
  const tenantDb = createTenantDb({ client: sql, config });
  for (const tenant of DEMO_TENANTS) {
    await tenantDb.withTenant(tenant.id, (db) =>
      db.insert(projects).values(tenant.projects.map((name) => ({ tenantId: tenant.id, name }))),
    );
  }
  return 'seeded';
}
