import { requirePermission } from '@tenancy/express';
import type { TenantDb } from '@tenancy/postgres';
import { workspaces } from '@tenancy/postgres/schema';
import { asc, desc } from 'drizzle-orm';
import { Router } from 'express';
import { z } from 'zod';
import { rethrowDatabaseError } from '../http/database-errors.js';
import { parse } from '../http/validate.js';

const workspaceColumns = {
  id: workspaces.id,
  slug: workspaces.slug,
  name: workspaces.name,
  isDefault: workspaces.isDefault,
  createdAt: workspaces.createdAt,
};

const createSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a lowercase DNS label'),
  name: z.string().trim().min(1).max(200),
});

/** Workspaces of the tenant: the foundation table, read and written under its own policies. */
export function workspaceRoutes(db: TenantDb): Router {
  const router = Router();

  router.get('/workspaces', requirePermission('workspace:read'), async (_req, res) => {
    const items = await db.run((tx) =>
      tx.select(workspaceColumns).from(workspaces).orderBy(desc(workspaces.isDefault), asc(workspaces.slug)),
    );
    res.json({ items });
  });

  // The database checks `workspace:create` too (tenancy.has_permission in the foundation's insert policy).
  router.post('/workspaces', requirePermission('workspace:create'), async (req, res) => {
    const body = parse(createSchema, req.body, 'body');
    try {
      const [workspace] = await db.run((tx) =>
        tx.insert(workspaces).values({ slug: body.slug, name: body.name }).returning(workspaceColumns),
      );
      res.status(201).json(workspace);
    } catch (error) {
      rethrowDatabaseError(error);
    }
  });

  return router;
}
