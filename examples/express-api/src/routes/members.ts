import type { CachedTenantStore } from '@tenancy/core';
import { isTenancyError, requireTenant } from '@tenancy/core';
import { requirePermission } from '@tenancy/express';
import type { TenantDb, TenantLifecycle } from '@tenancy/postgres';
import { memberships, users } from '@tenancy/postgres/schema';
import { asc, eq } from 'drizzle-orm';
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../http/not-found.js';
import { idSchema, parse } from '../http/validate.js';
import { ROLE_NAMES } from '../permissions.js';

const paramsSchema = z.strictObject({ userId: idSchema });
const rolesSchema = z.strictObject({ roles: z.array(z.enum(ROLE_NAMES)).min(1).max(ROLE_NAMES.length) });

// The lifecycle answers MEMBERSHIP_REQUIRED for a user who is not a member here; to the caller that is a member id
// that does not exist in their tenant, the same 404 as any other id of another tenant.
async function orMemberNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isTenancyError(error, 'MEMBERSHIP_REQUIRED')) throw new NotFoundError('member');
    throw error;
  }
}

/** Members of the tenant: list, change roles, remove. Changes go through the audited lifecycle. */
export function memberRoutes(db: TenantDb, lifecycle: TenantLifecycle, store: CachedTenantStore): Router {
  const router = Router();

  router.get('/members', requirePermission('member:read'), async (_req, res) => {
    // Under RLS the users table shows the members of this tenant only, so the join cannot reach anyone else.
    const items = await db.run((tx) =>
      tx
        .select({ userId: users.id, email: users.email, displayName: users.displayName, roles: memberships.roles })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .orderBy(asc(users.email)),
    );
    res.json({ items });
  });

  router.patch('/members/:userId', requirePermission('member:update'), async (req, res) => {
    const { userId } = parse(paramsSchema, req.params, 'path');
    const { roles } = parse(rolesSchema, req.body, 'body');
    const { tenantId, userId: actorId } = requireTenant();
    const change = await orMemberNotFound(lifecycle.changeRoles({ tenantId, userId, roles, actorId }));
    // Every process hears of it over LISTEN/NOTIFY; this one drops its cached membership at once.
    store.invalidateMembership(tenantId, userId);
    res.json({ userId, roles: change.after });
  });

  router.delete('/members/:userId', requirePermission('member:remove'), async (req, res) => {
    const { userId } = parse(paramsSchema, req.params, 'path');
    const { tenantId, userId: actorId } = requireTenant();
    await orMemberNotFound(lifecycle.removeMember({ tenantId, userId, actorId }));
    store.invalidateMembership(tenantId, userId);
    res.status(204).end();
  });

  return router;
}
