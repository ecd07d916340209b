import { randomUUID } from 'node:crypto';
import { requireTenant } from '@tenancy/core';
import { requirePermission } from '@tenancy/express';
import type { TenantDb } from '@tenancy/postgres';
import { auditLog, workspaces } from '@tenancy/postgres/schema';
import { desc, eq } from 'drizzle-orm';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { Request } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import { rethrowDatabaseError } from '../http/database-errors.js';
import { NotFoundError } from '../http/not-found.js';
import { idSchema, pageSchema, parse } from '../http/validate.js';
import { tasks } from '../schema.js';
import { toPage } from './projects.js';

const taskColumns = {
  id: tasks.id,
  workspaceId: tasks.workspaceId,
  projectId: tasks.projectId,
  title: tasks.title,
  done: tasks.done,
  createdBy: tasks.createdBy,
  createdAt: tasks.createdAt,
};

const workspaceParams = z.strictObject({ workspaceId: idSchema });
const taskParams = z.strictObject({ workspaceId: idSchema, taskId: idSchema });
const listQuery = pageSchema.extend({ projectId: idSchema.optional() });
const createSchema = z.strictObject({ projectId: idSchema, title: z.string().trim().min(1).max(500) });
const updateSchema = z
  .strictObject({ title: z.string().trim().min(1).max(500).optional(), done: z.boolean().optional() })
  .refine((body) => body.title !== undefined || body.done !== undefined, 'title or done is required');

// Which id a foreign key failure was about: the referenced row is not in this tenant (or never existed).
const TASK_FOREIGN_KEYS = { tasks_project_fk: 'project', tasks_workspace_fk: 'workspace' };

// The permission check is scoped to the workspace in the path, so a role held in one workspace only counts there.
const inWorkspace = { workspaceId: (req: Request) => req.params['workspaceId'] };

/**
 * Tasks: workspace-scoped CRUD under `/workspaces/:workspaceId/tasks`. Each unit of work runs with the path's
 * workspace set, so the policies show the tasks of that workspace only, whatever the query says.
 */
export function taskRoutes(db: TenantDb): Router {
  const router = Router();
  // The workspace is validated before the permission check reads it: a malformed id is a 400, not a scope.
  router.use('/workspaces/:workspaceId/tasks', (req, _res, next) => {
    parse(workspaceParams, { workspaceId: req.params['workspaceId'] }, 'path');
    next();
  });
  const unit = (workspaceId: string) => ({ ...requireTenant(), workspaceId });
  const workspaceExists = (tx: PostgresJsDatabase, workspaceId: string) =>
    tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId));

  router.get('/workspaces/:workspaceId/tasks', requirePermission('task:read', inWorkspace), async (req, res) => {
    const { workspaceId } = parse(workspaceParams, req.params, 'path');
    const query = parse(listQuery, req.query, 'query');
    // Both statements in one round trip; an empty list and an unknown workspace must not look the same.
    const [workspace, rows] = await db.withTenant(
      unit(workspaceId),
      (tx) =>
        [
          workspaceExists(tx, workspaceId),
          tx
            .select(taskColumns)
            .from(tasks)
            .where(query.projectId === undefined ? undefined : eq(tasks.projectId, query.projectId))
            .orderBy(desc(tasks.createdAt), desc(tasks.id))
            .limit(query.limit + 1)
            .offset(query.offset),
        ] as const,
    );
    if (workspace.length === 0) throw new NotFoundError('workspace');
    res.json(toPage(rows, query));
  });

  router.post('/workspaces/:workspaceId/tasks', requirePermission('task:create', inWorkspace), async (req, res) => {
    const { workspaceId } = parse(workspaceParams, req.params, 'path');
    const body = parse(createSchema, req.body, 'body');
    const id = randomUUID();
    try {
      const [[task]] = await db.withTenant(
        unit(workspaceId),
        (tx) =>
          [
            tx.insert(tasks).values({ id, projectId: body.projectId, title: body.title }).returning(taskColumns),
            tx.insert(auditLog).values({
              action: 'task.created',
              targetType: 'task',
              targetId: id,
              data: { workspaceId, projectId: body.projectId },
            }),
          ] as const,
      );
      res.status(201).json(task);
    } catch (error) {
      rethrowDatabaseError(error, TASK_FOREIGN_KEYS);
    }
  });

  router.get(
    '/workspaces/:workspaceId/tasks/:taskId',
    requirePermission('task:read', inWorkspace),
    async (req, res) => {
      const { workspaceId, taskId } = parse(taskParams, req.params, 'path');
      const [task] = await db.withTenant(unit(workspaceId), (tx) =>
        tx.select(taskColumns).from(tasks).where(eq(tasks.id, taskId)),
      );
      if (task === undefined) throw new NotFoundError('task');
      res.json(task);
    },
  );

  router.patch(
    '/workspaces/:workspaceId/tasks/:taskId',
    requirePermission('task:update', inWorkspace),
    async (req, res) => {
      const { workspaceId, taskId } = parse(taskParams, req.params, 'path');
      const body = parse(updateSchema, req.body, 'body');
      const [task] = await db.withTenant(unit(workspaceId), (tx) =>
        tx
          .update(tasks)
          .set({
            ...(body.title === undefined ? {} : { title: body.title }),
            ...(body.done === undefined ? {} : { done: body.done }),
          })
          .where(eq(tasks.id, taskId))
          .returning(taskColumns),
      );
      if (task === undefined) throw new NotFoundError('task');
      res.json(task);
    },
  );

  router.delete(
    '/workspaces/:workspaceId/tasks/:taskId',
    requirePermission('task:delete', inWorkspace),
    async (req, res) => {
      const { workspaceId, taskId } = parse(taskParams, req.params, 'path');
      const deleted = await db.withTenant(unit(workspaceId), async (tx) => {
        const rows = await tx.delete(tasks).where(eq(tasks.id, taskId)).returning({ id: tasks.id });
        if (rows.length === 1) {
          await tx
            .insert(auditLog)
            .values({ action: 'task.deleted', targetType: 'task', targetId: taskId, data: { workspaceId } });
        }
        return rows.length === 1;
      });
      if (!deleted) throw new NotFoundError('task');
      res.status(204).end();
    },
  );

  return router;
}
