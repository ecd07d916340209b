import type { CachedTenantStore } from '@tenancy/core';
import { TenancyError } from '@tenancy/core';
import type { PlatformConfig, TenantLifecycle } from '@tenancy/postgres';
import { withPlatformTransaction } from '@tenancy/postgres';
import type { Request, RequestHandler } from 'express';
import { Router } from 'express';
import type postgres from 'postgres';
import { z } from 'zod';
import { idSchema, parse } from '../http/validate.js';

const paramsSchema = z.strictObject({ tenantId: idSchema });
const suspendSchema = z.strictObject({ reason: z.string().trim().min(1).max(500) });

// Platform routes act across tenants, so they take no tenant from the request: the middleware has verified the token,
// and only a principal whose token says platform_admin gets in. On a tenant's host the middleware already refused a
// non-member (MEMBERSHIP_REQUIRED), platform admins included: the console lives on the bare domain.
const requirePlatformAdmin: RequestHandler = (req, _res, next) => {
  const principal = req.tenancy?.principal;
  if (principal === undefined) throw new TenancyError('UNAUTHENTICATED', 'Sign in as a platform admin.');
  if (!principal.platformAdmin) throw new TenancyError('PERMISSION_DENIED', 'Only platform admins may do this.');
  next();
};

const actorOf = (req: Request): string => req.tenancy?.principal?.id ?? '';

/**
 * The operator console: list tenants, suspend and reactivate them. Each change is one audited lifecycle transaction
 * (a `tenant.suspended` row in the tenant's audit log, with the admin as actor and the reason), and every process's
 * tenant cache hears of it over LISTEN/NOTIFY, so the tenant's members are refused from the next request on. An
 * unknown tenant id is the lifecycle's TENANT_NOT_FOUND (404).
 */
export function platformRoutes(deps: {
  sql: postgres.Sql;
  tenancyConfig: PlatformConfig;
  lifecycle: TenantLifecycle;
  store: CachedTenantStore;
}): Router {
  const { sql, tenancyConfig, lifecycle, store } = deps;
  const router = Router();
  router.use(requirePlatformAdmin);

  router.get('/tenants', async (_req, res) => {
    const s = sql(tenancyConfig.helperSchema);
    const items = await withPlatformTransaction(
      sql,
      tenancyConfig,
      { readOnly: true },
      (tx) =>
        tx<Array<{ id: string; slug: string; name: string; status: string }>>`
        select id, slug, name, status from ${s}.tenants where deleted_at is null order by created_at, id`,
    );
    res.json({ items });
  });

  router.post('/tenants/:tenantId/suspend', async (req, res) => {
    const { tenantId } = parse(paramsSchema, req.params, 'path');
    const { reason } = parse(suspendSchema, req.body, 'body');
    const changed = await lifecycle.suspendTenant({ tenantId, reason, actorId: actorOf(req) });
    store.invalidateTenant(tenantId);
    res.json({ tenantId, status: 'suspended', changed });
  });

  router.post('/tenants/:tenantId/reactivate', async (req, res) => {
    const { tenantId } = parse(paramsSchema, req.params, 'path');
    const changed = await lifecycle.reactivateTenant({ tenantId, actorId: actorOf(req) });
    store.invalidateTenant(tenantId);
    res.json({ tenantId, status: 'active', changed });
  });

  return router;
}
