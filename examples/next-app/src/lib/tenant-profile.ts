import type { TenantBranding } from '@tenancy/postgres';
import { tenants, users } from '@tenancy/postgres/schema';
import { eq } from 'drizzle-orm';
import { cache } from 'react';
import { services } from './services';
import { runInTenant } from './tenancy-server';

/** What every tenant page shows in its header: the tenant's name and branding, and who is signed in. */
export interface TenantProfile {
  readonly name: string;
  readonly branding: TenantBranding;
  readonly user: { readonly email: string; readonly name: string | null };
}

/**
 * Loads the profile fresh from the database (not the cached tenant record), so a branding change shows on the next
 * render. Both reads are one unit of work, one round trip, as the app role: RLS shows this tenant's row only, and
 * users only where they are members of this tenant. Cached per request, for the layout and the settings page.
 * @example
 * const { branding } = await loadTenantProfile();
 */
export const loadTenantProfile = cache(
  (): Promise<TenantProfile> =>
    runInTenant(async ({ tenant, context }) => {
      const [rows, me] = await services().tenantDb.run((db) => [
        db.select({ name: tenants.name, branding: tenants.branding }).from(tenants).where(eq(tenants.id, tenant.id)),
        db
          .select({ email: users.email, name: users.displayName })
          .from(users)
          .where(eq(users.id, context.userId ?? '')),
      ]);
      return {
        name: rows[0]?.name ?? tenant.name,
        branding: rows[0]?.branding ?? {},
        user: me[0] ?? { email: '', name: null },
      };
    }),
);
