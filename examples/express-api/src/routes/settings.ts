import type { CachedTenantStore } from '@tenancy/core';
import { requireTenant } from '@tenancy/core';
import { requirePermission } from '@tenancy/express';
import type { TenantDb, TenantLifecycle } from '@tenancy/postgres';
import { tenantBrandingSchema, tenantSettingsSchema } from '@tenancy/postgres';
import { tenants } from '@tenancy/postgres/schema';
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../http/not-found.js';
import { parse } from '../http/validate.js';

const tenantColumns = {
  id: tenants.id,
  slug: tenants.slug,
  name: tenants.name,
  plan: tenants.plan,
  settings: tenants.settings,
  branding: tenants.branding,
};

const updateSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    settings: tenantSettingsSchema.optional(),
    branding: tenantBrandingSchema.optional(),
  })
  .refine((b) => b.name !== undefined || b.settings !== undefined || b.branding !== undefined, 'nothing to change');

/** The tenant's own settings: name, free-form settings and branding. */
export function settingsRoutes(db: TenantDb, lifecycle: TenantLifecycle, store: CachedTenantStore): Router {
  const router = Router();

  router.get('/settings', requirePermission('tenant:read'), async (_req, res) => {
    // The app role sees exactly one row of tenancy.tenants: its own tenant's.
    const [tenant] = await db.run((tx) => tx.select(tenantColumns).from(tenants));
    if (tenant === undefined) throw new NotFoundError('tenant');
    res.json(tenant);
  });

  router.patch('/settings', requirePermission('tenant:update'), async (req, res) => {
    const body = parse(updateSchema, req.body, 'body');
    const { tenantId, userId } = requireTenant();
    const tenant = await lifecycle.updateTenant({ tenantId, ...body, actorId: userId });
    // The name and settings travel in the cached tenant record: this process drops it now, the others on NOTIFY.
    store.invalidateTenant(tenantId);
    res.json({
      id: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      plan: tenant.plan,
      settings: tenant.settings,
      branding: tenant.branding,
    });
  });

  return router;
}
