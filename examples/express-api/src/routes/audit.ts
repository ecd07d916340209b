import { requirePermission } from '@tenancy/express';
import type { TenantDb } from '@tenancy/postgres';
import { auditLog } from '@tenancy/postgres/schema';
import { desc, eq } from 'drizzle-orm';
import { Router } from 'express';
import { z } from 'zod';
import { pageSchema, parse } from '../http/validate.js';
import { toPage } from './projects.js';

const querySchema = pageSchema.extend({
  action: z
    .string()
    .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'must look like "project.created"')
    .optional(),
});

/**
 * The tenant's audit trail, newest first: what the lifecycle recorded (tenant created, member invited or joined,
 * roles changed, suspended...) and what the app records itself (projects and tasks created or deleted). RLS shows
 * this tenant's rows only, and the database also requires `audit:read` (tenancy.has_permission) to read them.
 */
export function auditRoutes(db: TenantDb): Router {
  const router = Router();

  router.get('/audit', requirePermission('audit:read'), async (req, res) => {
    const query = parse(querySchema, req.query, 'query');
    const rows = await db.run((tx) =>
      tx
        .select({
          id: auditLog.id,
          occurredAt: auditLog.occurredAt,
          actorId: auditLog.actorId,
          action: auditLog.action,
          targetType: auditLog.targetType,
          targetId: auditLog.targetId,
          data: auditLog.data,
        })
        .from(auditLog)
        .where(query.action === undefined ? undefined : eq(auditLog.action, query.action))
        .orderBy(desc(auditLog.occurredAt), desc(auditLog.id))
        .limit(query.limit + 1)
        .offset(query.offset),
    );
    res.json(toPage(rows, query));
  });

  return router;
}
