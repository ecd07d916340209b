import { isTenancyError, requireTenant } from '@tenancy/core';
import { requirePermission } from '@tenancy/express';
import type { TenantDb, TenantLifecycle } from '@tenancy/postgres';
import { invitations } from '@tenancy/postgres/schema';
import { and, desc, isNull } from 'drizzle-orm';
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../http/not-found.js';
import { idSchema, parse } from '../http/validate.js';
import { ROLE_NAMES } from '../permissions.js';

const inviteSchema = z.strictObject({
  email: z.string().trim().toLowerCase().pipe(z.email().max(320)),
  role: z.enum(ROLE_NAMES).exclude(['owner']),
});
const paramsSchema = z.strictObject({ invitationId: idSchema });

/**
 * Invitations of the tenant. Accepting one is in the auth routes: the invitee has no token for this tenant yet.
 * The example returns the invitation token in the response so it can be tried with curl; a real app e-mails it and
 * never shows it to the inviter.
 */
export function invitationRoutes(db: TenantDb, lifecycle: TenantLifecycle): Router {
  const router = Router();

  router.get('/invitations', requirePermission('invitation:create'), async (_req, res) => {
    // Pending ones only; the token hash stays in the database.
    const items = await db.run((tx) =>
      tx
        .select({
          id: invitations.id,
          email: invitations.email,
          roles: invitations.roles,
          expiresAt: invitations.expiresAt,
          createdAt: invitations.createdAt,
        })
        .from(invitations)
        .where(and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
        .orderBy(desc(invitations.createdAt)),
    );
    res.json({ items });
  });

  router.post('/invitations', requirePermission('invitation:create'), async (req, res) => {
    const body = parse(inviteSchema, req.body, 'body');
    const { tenantId, userId } = requireTenant();
    const invitation = await lifecycle.inviteMember({
      tenantId,
      email: body.email,
      roles: [body.role],
      invitedBy: userId,
    });
    res.status(201).json({
      id: invitation.invitationId,
      email: body.email,
      roles: [body.role],
      expiresAt: invitation.expiresAt,
      token: invitation.token,
    });
  });

  router.delete('/invitations/:invitationId', requirePermission('invitation:revoke'), async (req, res) => {
    const { invitationId } = parse(paramsSchema, req.params, 'path');
    const { tenantId, userId } = requireTenant();
    try {
      await lifecycle.revokeInvitation({ tenantId, invitationId, actorId: userId });
    } catch (error) {
      // The ids were validated above: INVALID_INPUT here means "no pending invitation with this id in this tenant".
      if (isTenancyError(error, 'INVALID_INPUT')) throw new NotFoundError('pending invitation');
      throw error;
    }
    res.status(204).end();
  });

  return router;
}
