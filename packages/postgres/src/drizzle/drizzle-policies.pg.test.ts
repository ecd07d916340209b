import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import { boolean, foreignKey, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedTenancyConfig } from '../config/config-types.js';
import { dropTestRoles, exampleSchemaSql, runScript, testConfig } from '../generate/example-fixture.js';
import { generateSql } from '../generate/generate-sql.js';
import { createTestDatabase, type TestDatabase } from '../testing/create-test-database.js';
import { tenantPolicies } from './tenant-policies.js';

// Two databases: one secured by the SQL generator, one the Drizzle way (prelude, drizzle-kit migration with the
// pgPolicy definitions, support script). Their policies and RLS flags must come out the same.
let viaSql: TestDatabase;
let viaDrizzle: TestDatabase;
let config: ResolvedTenancyConfig;

function drizzleSchema(cfg: ResolvedTenancyConfig) {
  const plans = pgTable(
    'plans',
    { id: text('id').primaryKey(), name: text('name').notNull(), maxProjects: integer('max_projects').notNull() },
    () => [...tenantPolicies(cfg, 'plans')],
  );
  const projects = pgTable(
    'projects',
    {
      tenantId: uuid('tenant_id').notNull(),
      id: uuid('id').notNull().defaultRandom(),
      name: text('name').notNull(),
      createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    },
    (t) => [primaryKey({ columns: [t.tenantId, t.id] }), ...tenantPolicies(cfg, 'projects')],
  );
  const tasks = pgTable(
    'tasks',
    {
      tenantId: uuid('tenant_id').notNull(),
      id: uuid('id').notNull().defaultRandom(),
      workspaceId: uuid('workspace_id').notNull(),
      projectId: uuid('project_id').notNull(),
      title: text('title').notNull(),
      done: boolean('done').notNull().default(false),
    },
    (t) => [
      primaryKey({ columns: [t.tenantId, t.id] }),
      foreignKey({ columns: [t.tenantId, t.projectId], foreignColumns: [projects.tenantId, projects.id] }),
      ...tenantPolicies(cfg, 'tasks'),
    ],
  );
  return { plans, projects, tasks };
}

async function rlsState(db: TestDatabase) {
  const policies = await db.sql`
    select tablename, policyname, permissive, roles, cmd, qual, with_check from pg_policies order by 1, 2`;
  const flags = await db.sql`
    select relname, relrowsecurity, relforcerowsecurity from pg_class
    where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1`;
  return { policies: policies.map((r) => ({ ...r })), flags: flags.map((r) => ({ ...r })) };
}

beforeAll(async () => {
  viaSql = await createTestDatabase();
  viaDrizzle = await createTestDatabase();
  config = testConfig(viaSql.suffix);
  await viaSql.sql.unsafe(exampleSchemaSql);
  await runScript(viaSql.url, generateSql(config));
});

afterAll(async () => {
  await viaDrizzle.drop();
  await dropTestRoles(viaSql.sql, [config.roles.app, config.roles.platform]);
  await viaSql.drop();
});

describe('tenantPolicies', () => {
  it('returns the same policies as the SQL generator once drizzle-kit has created them', async () => {
    await runScript(viaDrizzle.url, generateSql(config, { only: 'prelude' }));
    const statements = await generateMigration(generateDrizzleJson({}), generateDrizzleJson(drizzleSchema(config)));
    expect(statements.some((s) => s.includes('CREATE POLICY "tenancy_tenant_guard"'))).toBe(true);
    await viaDrizzle.sql.begin(async (tx) => {
      for (const statement of statements) await tx.unsafe(statement);
    });
    await runScript(viaDrizzle.url, generateSql(config, { only: 'support' }));
    const expected = await rlsState(viaSql);
    expect(expected.policies).toHaveLength(8);
    expect(await rlsState(viaDrizzle)).toEqual(expected);
  });

  it('uses the per-command policies of the config, with permission checks', () => {
    const cfg = testConfig('x', {
      foundation: true,
      tables: { docs: { scope: 'tenant', grants: ['select', 'update'], permissions: { update: 'docs:write' } } },
    });
    const policies = tenantPolicies(cfg, 'docs').map((p) => [p.name, p.as, p.for, p.to]);
    expect(policies).toEqual([
      ['tenancy_select_access', 'permissive', 'select', 'tenancy_app_x'],
      ['tenancy_update_access', 'permissive', 'update', 'tenancy_app_x'],
      ['tenancy_tenant_guard', 'restrictive', 'all', 'tenancy_app_x'],
      ['tenancy_platform_access', 'permissive', 'all', 'tenancy_platform_x'],
    ]);
  });
});
