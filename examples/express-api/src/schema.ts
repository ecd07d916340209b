import { sql } from 'drizzle-orm';
import { boolean, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// The app's own tables. Keys lead with tenant_id (composite primary and foreign keys), so no row can point at another
// tenant's row and every lookup by id is an index lookup inside one tenant. The tenant column defaults to the tenant
// of the unit of work (the generated SQL sets the same default), so inserts leave it out.
const tenantId = () => uuid('tenant_id').notNull().default(sql`(tenancy.tenant_id())`);
const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Projects: tenant-wide, every member of the tenant sees them. */
export const projects = pgTable(
  'projects',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    description: text('description'),
    createdBy: uuid('created_by').default(sql`(tenancy.user_id())`),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** Tasks: workspace-scoped, a unit of work sees only the tasks of its workspace. */
export const tasks = pgTable(
  'tasks',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().default(sql`(tenancy.workspace_id())`),
    projectId: uuid('project_id').notNull(),
    title: text('title').notNull(),
    done: boolean('done').notNull().default(false),
    createdBy: uuid('created_by').default(sql`(tenancy.user_id())`),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);
