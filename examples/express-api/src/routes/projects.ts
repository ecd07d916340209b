import { randomUUID } from 'node:crypto';
import { requirePermission } from '@tenancy/express';
import type { TenantDb } from '@tenancy/postgres';
import { auditLog } from '@tenancy/postgres/schema';
import type { SQL } from 'drizzle-orm';
import { desc, eq, sql } from 'drizzle-orm';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../http/not-found.js';
import type { Page } from '../http/validate.js';
import { idSchema, pageSchema, parse } from '../http/validate.js';
import { projects } from '../schema.js';

const projectColumns = {
  id: projects.id,
  name: projects.name,
  description: projects.description,
  createdBy: projects.createdBy,
  createdAt: projects.createdAt,
  updatedAt: projects.updatedAt,
};

const createSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional(),
});
const updateSchema = createSchema
  .partial()
  .refine((body) => body.name !== undefined || body.description !== undefined, 'name or description is required');
const paramsSchema = z.strictObject({ projectId: idSchema });

/**
 * The list query, newest first, with the page as placeholders: built once and run as a prepared statement, so a
 * request pays for neither building the SQL nor parsing it. No `where tenant_id = ...`: inside a unit of work the
 * policies return this tenant's rows only. `where` exists for the benchmark's unscoped baseline, which has to filter by
 * hand.
 */
export function projectsPageQuery(db: PostgresJsDatabase, where?: SQL | undefined) {
  return db
    .select(projectColumns)
    .from(projects)
    .where(where)
    .orderBy(desc(projects.createdAt), desc(projects.id))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare('list_projects');
}

/** The placeholder values for one page: one row more than asked for, to tell whether another page follows. */
export function pageValues(page: Page): { limit: number; offset: number } {
  return { limit: page.limit + 1, offset: page.offset };
}

/** The response body of a list endpoint: the page, and where the next one starts (null at the end). */
export function toPage<T>(rows: readonly T[], page: Page) {
  const more = rows.length > page.limit;
  return {
    items: more ? rows.slice(0, page.limit) : rows,
    limit: page.limit,
    offset: page.offset,
    nextOffset: more ? page.offset + page.limit : null,
  };
}

/** Projects: tenant-wide CRUD. Every handler runs in the request's tenant (the middleware's context). */
export function projectRoutes(db: TenantDb): Router {
  const router = Router();
  // The hottest query of the API, prepared once for every unit of work (tenantDb.prepare): it runs scoped like any
  // other query, in the tenant of the unit it is executed in.
  const listProjects = db.prepare((tx) => projectsPageQuery(tx));

  router.get('/projects', requirePermission('project:read'), async (req, res) => {
    const page = parse(pageSchema, req.query, 'query');
    const rows = await db.run((tx) => listProjects.execute(tx, pageValues(page)));
    res.json(toPage(rows, page));
  });

  router.post('/projects', requirePermission('project:create'), async (req, res) => {
    const body = parse(createSchema, req.body, 'body');
    const id = randomUUID();
    // The project and its audit row travel together: one transaction, one round trip. tenant_id, created_by and the
    // audit row's actor come from the unit's tenant and user (column defaults), never from the request.
    const [[project]] = await db.run(
      (tx) =>
        [
          tx
            .insert(projects)
            .values({ id, name: body.name, description: body.description ?? null })
            .returning(projectColumns),
          tx
            .insert(auditLog)
            .values({ action: 'project.created', targetType: 'project', targetId: id, data: { name: body.name } }),
        ] as const,
    );
    res.status(201).json(project);
  });

  router.get('/projects/:projectId', requirePermission('project:read'), async (req, res) => {
    const { projectId } = parse(paramsSchema, req.params, 'path');
    const [project] = await db.run((tx) => tx.select(projectColumns).from(projects).where(eq(projects.id, projectId)));
    if (project === undefined) throw new NotFoundError('project');
    res.json(project);
  });

  router.patch('/projects/:projectId', requirePermission('project:update'), async (req, res) => {
    const { projectId } = parse(paramsSchema, req.params, 'path');
    const body = parse(updateSchema, req.body, 'body');
    const [project] = await db.run((tx) =>
      tx
        .update(projects)
        .set({
          ...(body.name === undefined ? {} : { name: body.name }),
          ...(body.description === undefined ? {} : { description: body.description }),
          updatedAt: new Date(),
        })
        .where(eq(projects.id, projectId))
        .returning(projectColumns),
    );
    if (project === undefined) throw new NotFoundError('project');
    res.json(project);
  });

  router.delete('/projects/:projectId', requirePermission('project:delete'), async (req, res) => {
    const { projectId } = parse(paramsSchema, req.params, 'path');
    const deleted = await db.run(async (tx) => {
      const rows = await tx.delete(projects).where(eq(projects.id, projectId)).returning({ id: projects.id });
      if (rows.length === 1) {
        await tx.insert(auditLog).values({ action: 'project.deleted', targetType: 'project', targetId: projectId });
      }
      return rows.length === 1;
    });
    if (!deleted) throw new NotFoundError('project');
    res.status(204).end();
  });

  return router;
}
