import { requireTenant as requireTenantGuard, tenancyOf } from '@tenancy/express';
import { Router } from 'express';
import type { AppPermission } from '../permissions.js';

const SHOWN: readonly AppPermission[] = [
  'project:create',
  'project:delete',
  'task:create',
  'invitation:create',
  'member:update',
  'tenant:update',
  'audit:read',
];

/** Who the caller is in this tenant: their roles and a few things they may do (for a UI to show or hide buttons). */
export function meRoutes(): Router {
  const router = Router();
  router.get('/', requireTenantGuard(), (req, res) => {
    const { tenant, principal, membership, can } = tenancyOf(req);
    res.json({
      user: { id: principal?.id ?? null, email: principal?.claims['email'] ?? null },
      tenant: tenant === undefined ? null : { id: tenant.id, slug: tenant.slug, name: tenant.name },
      roles: membership?.roles ?? [],
      can: Object.fromEntries(SHOWN.map((permission) => [permission, can(permission)])),
    });
  });
  return router;
}
