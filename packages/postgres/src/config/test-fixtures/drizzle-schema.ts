// A user's Drizzle schema: `projects` has the tenant column and becomes a tenant table; `plans` is classified in
// the config; `countries` has no tenant column and stays unclassified.
import { integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';

export const projects = pgTable('projects', { tenantId: uuid('tenant_id').notNull(), name: text('name') });
export const plans = pgTable('plans', { id: text('id').primaryKey(), tenantId: uuid('tenant_id') });
export const countries = pgTable('countries', { code: text('code').primaryKey(), population: integer('population') });
