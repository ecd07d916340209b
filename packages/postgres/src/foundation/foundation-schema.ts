import type { TenantStatus } from '@tenancy/core';
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { ACTION_PATTERN, EMAIL_PATTERN, PERMISSION_PATTERN, ROLE_PATTERN, SLUG_PATTERN } from './patterns.js';
import { quoteIdent } from './sql-text.js';
import type { TenantBranding, TenantSettings } from './tenant-settings.js';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The foundation tables as Drizzle definitions in the helper schema `schemaName` (default `tenancy`). Use the
 * ready-made exports of `@tenancy/postgres/schema` unless your config sets another `helperSchema`.
 * @example
 * const foundation = createFoundationSchema('saas');
 * await db.select().from(foundation.workspaces);
 * @see https://github.com/tenancy/tenancy/blob/main/docs/foundation.md#drizzle
 */
export function createFoundationSchema(schemaName = 'tenancy') {
  const schema = pgSchema(schemaName);
  const fn = (name: string) => sql.raw(`${quoteIdent(schemaName)}.${name}()`);
  const tenantId = () => uuid('tenant_id').notNull().default(fn('tenant_id'));

  const tenants = schema.table(
    'tenants',
    {
      // Like every tenant column: defaults to the tenant in context (the lifecycle always passes a new id).
      id: uuid('id').notNull().default(fn('tenant_id')),
      slug: text('slug').notNull(),
      name: text('name').notNull(),
      status: text('status').$type<TenantStatus>().notNull().default('active'),
      plan: text('plan'),
      settings: jsonb('settings').$type<TenantSettings>().notNull().default({}),
      branding: jsonb('branding').$type<TenantBranding>().notNull().default({}),
      createdAt: timestamptz('created_at').notNull().defaultNow(),
      updatedAt: timestamptz('updated_at').notNull().defaultNow(),
      suspendedAt: timestamptz('suspended_at'),
      deletedAt: timestamptz('deleted_at'),
    },
    (t) => [
      primaryKey({ name: 'tenants_pkey', columns: [t.id] }),
      uniqueIndex('tenants_slug_key').on(t.slug).where(sql`deleted_at is null`),
      check('tenants_slug_check', sql.raw(`slug ~ '${SLUG_PATTERN}'`)),
      check('tenants_name_check', sql`length(name) between 1 and 200`),
      check('tenants_status_check', sql`status in ('active', 'suspended', 'deleted')`),
      check('tenants_settings_check', sql`jsonb_typeof(settings) = 'object'`),
      check('tenants_branding_check', sql`jsonb_typeof(branding) = 'object'`),
      check('tenants_deleted_check', sql`(status = 'deleted') = (deleted_at is not null)`),
    ],
  );

  const users = schema.table(
    'users',
    {
      id: uuid('id').notNull().defaultRandom(),
      email: text('email').notNull(),
      displayName: text('display_name'),
      createdAt: timestamptz('created_at').notNull().defaultNow(),
      updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    },
    (t) => [
      primaryKey({ name: 'users_pkey', columns: [t.id] }),
      uniqueIndex('users_email_key').on(t.email),
      check('users_email_check', sql.raw(`email = lower(btrim(email)) and email ~ '${EMAIL_PATTERN}'`)),
    ],
  );

  const domains = schema.table(
    'domains',
    {
      tenantId: tenantId(),
      domain: text('domain').notNull(),
      verified: boolean('verified').notNull().default(false),
      verifiedAt: timestamptz('verified_at'),
      createdAt: timestamptz('created_at').notNull().defaultNow(),
    },
    (t) => [
      primaryKey({ name: 'domains_pkey', columns: [t.tenantId, t.domain] }),
      foreignKey({ name: 'domains_tenant_fk', columns: [t.tenantId], foreignColumns: [tenants.id] }),
      // Global on purpose: a host name routes to one tenant. Suppressed in the lint config with this reason.
      uniqueIndex('domains_domain_key').on(t.domain),
      check(
        'domains_domain_check',
        sql`domain = lower(domain) and domain ~ '^[a-z0-9.-]+$' and length(domain) between 1 and 253`,
      ),
      check('domains_verified_check', sql`verified = (verified_at is not null)`),
    ],
  );

  const memberships = schema.table(
    'memberships',
    {
      tenantId: tenantId(),
      userId: uuid('user_id').notNull(),
      roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
      createdAt: timestamptz('created_at').notNull().defaultNow(),
      updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    },
    (t) => [
      primaryKey({ name: 'memberships_pkey', columns: [t.tenantId, t.userId] }),
      foreignKey({ name: 'memberships_tenant_fk', columns: [t.tenantId], foreignColumns: [tenants.id] }),
      foreignKey({ name: 'memberships_user_fk', columns: [t.userId], foreignColumns: [users.id] }),
      index('memberships_user_idx').on(t.userId),
    ],
  );

  const workspaces = schema.table(
    'workspaces',
    {
      tenantId: tenantId(),
      id: uuid('id').notNull().defaultRandom(),
      parentId: uuid('parent_id'),
      slug: text('slug').notNull(),
      name: text('name').notNull(),
      isDefault: boolean('is_default').notNull().default(false),
      createdAt: timestamptz('created_at').notNull().defaultNow(),
      updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    },
    (t) => [
      primaryKey({ name: 'workspaces_pkey', columns: [t.tenantId, t.id] }),
      foreignKey({ name: 'workspaces_tenant_fk', columns: [t.tenantId], foreignColumns: [tenants.id] }),
      foreignKey({
        name: 'workspaces_parent_fk',
        columns: [t.tenantId, t.parentId],
        foreignColumns: [t.tenantId, t.id],
      }),
      uniqueIndex('workspaces_slug_key').on(t.tenantId, t.slug),
      uniqueIndex('workspaces_default_key').on(t.tenantId).where(sql`is_default`),
      index('workspaces_parent_idx').on(t.tenantId, t.parentId),
      check('workspaces_slug_check', sql.raw(`slug ~ '${SLUG_PATTERN}'`)),
      check('workspaces_name_check', sql`length(name) between 1 and 200`),
      check('workspaces_parent_check', sql`parent_id <> id`),
    ],
  );

  const workspaceMemberships = schema.table(
    'workspace_memberships',
    {
      tenantId: tenantId(),
      workspaceId: uuid('workspace_id').notNull(),
      userId: uuid('user_id').notNull(),
      roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
      createdAt: timestamptz('created_at').notNull().defaultNow(),
      updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    },
    (t) => [
      primaryKey({ name: 'workspace_memberships_pkey', columns: [t.tenantId, t.workspaceId, t.userId] }),
      foreignKey({
        name: 'workspace_memberships_workspace_fk',
        columns: [t.tenantId, t.workspaceId],
        foreignColumns: [workspaces.tenantId, workspaces.id],
      }).onDelete('cascade'),
      // Workspace roles only for members of the tenant: removing the membership removes them.
      foreignKey({
        name: 'workspace_memberships_membership_fk',
        columns: [t.tenantId, t.userId],
        foreignColumns: [memberships.tenantId, memberships.userId],
      }).onDelete('cascade'),
      index('workspace_memberships_user_idx').on(t.tenantId, t.userId),
    ],
  );

  const roles = schema.table(
    'roles',
    {
      tenantId: tenantId(),
      name: text('name').notNull(),
      inherits: text('inherits').array().notNull().default(sql`'{}'::text[]`),
      description: text('description'),
      createdAt: timestamptz('created_at').notNull().defaultNow(),
    },
    (t) => [
      primaryKey({ name: 'roles_pkey', columns: [t.tenantId, t.name] }),
      foreignKey({ name: 'roles_tenant_fk', columns: [t.tenantId], foreignColumns: [tenants.id] }),
      check('roles_name_check', sql.raw(`name ~ '${ROLE_PATTERN}'`)),
    ],
  );

  const rolePermissions = schema.table(
    'role_permissions',
    {
      tenantId: tenantId(),
      role: text('role').notNull(),
      permission: text('permission').notNull(),
      effect: text('effect').$type<'allow' | 'deny'>().notNull().default('allow'),
    },
    (t) => [
      primaryKey({ name: 'role_permissions_pkey', columns: [t.tenantId, t.role, t.permission, t.effect] }),
      foreignKey({
        name: 'role_permissions_role_fk',
        columns: [t.tenantId, t.role],
        foreignColumns: [roles.tenantId, roles.name],
      })
        .onDelete('cascade')
        .onUpdate('cascade'),
      check('role_permissions_effect_check', sql`effect in ('allow', 'deny')`),
      check('role_permissions_permission_check', sql.raw(`permission ~ '${PERMISSION_PATTERN}'`)),
    ],
  );

  const invitations = schema.table(
    'invitations',
    {
      tenantId: tenantId(),
      id: uuid('id').notNull().defaultRandom(),
      email: text('email').notNull(),
      roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
      tokenHash: text('token_hash').notNull(),
      invitedBy: uuid('invited_by'),
      expiresAt: timestamptz('expires_at').notNull(),
      acceptedAt: timestamptz('accepted_at'),
      acceptedBy: uuid('accepted_by'),
      revokedAt: timestamptz('revoked_at'),
      createdAt: timestamptz('created_at').notNull().defaultNow(),
    },
    (t) => [
      primaryKey({ name: 'invitations_pkey', columns: [t.tenantId, t.id] }),
      foreignKey({ name: 'invitations_tenant_fk', columns: [t.tenantId], foreignColumns: [tenants.id] }),
      // Not unique: the token is looked up before its tenant is known, and a unique index across tenants would need
      // a lint suppression for no gain (a collision of two random 256-bit tokens does not happen).
      index('invitations_token_hash_idx').on(t.tokenHash),
      uniqueIndex('invitations_pending_key')
        .on(t.tenantId, t.email)
        .where(sql`accepted_at is null and revoked_at is null`),
      check('invitations_email_check', sql.raw(`email = lower(btrim(email)) and email ~ '${EMAIL_PATTERN}'`)),
      check('invitations_token_hash_check', sql`token_hash ~ '^[0-9a-f]{64}$'`),
      check('invitations_state_check', sql`accepted_at is null or revoked_at is null`),
    ],
  );

  const auditLog = schema.table(
    'audit_log',
    {
      tenantId: tenantId(),
      id: uuid('id').notNull().defaultRandom(),
      occurredAt: timestamptz('occurred_at').notNull().defaultNow(),
      actorId: uuid('actor_id').default(fn('user_id')),
      action: text('action').notNull(),
      targetType: text('target_type'),
      targetId: text('target_id'),
      data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    },
    (t) => [
      primaryKey({ name: 'audit_log_pkey', columns: [t.tenantId, t.id] }),
      foreignKey({ name: 'audit_log_tenant_fk', columns: [t.tenantId], foreignColumns: [tenants.id] }),
      index('audit_log_occurred_idx').on(t.tenantId, t.occurredAt),
      check('audit_log_action_check', sql.raw(`action ~ '${ACTION_PATTERN}'`)),
      check('audit_log_data_check', sql`jsonb_typeof(data) = 'object'`),
    ],
  );

  const platformAuditLog = schema.table(
    'platform_audit_log',
    {
      id: uuid('id').notNull().defaultRandom(),
      occurredAt: timestamptz('occurred_at').notNull().defaultNow(),
      actorId: uuid('actor_id'),
      action: text('action').notNull(),
      // No foreign key: this row outlives the tenant it is about (it records the tenant's purge).
      subjectTenantId: uuid('subject_tenant_id'),
      data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    },
    (t) => [
      primaryKey({ name: 'platform_audit_log_pkey', columns: [t.id] }),
      index('platform_audit_log_subject_idx').on(t.subjectTenantId, t.occurredAt),
      check('platform_audit_log_action_check', sql.raw(`action ~ '${ACTION_PATTERN}'`)),
      check('platform_audit_log_data_check', sql`jsonb_typeof(data) = 'object'`),
    ],
  );

  return {
    schema,
    tenants,
    users,
    domains,
    memberships,
    workspaces,
    workspaceMemberships,
    roles,
    rolePermissions,
    invitations,
    auditLog,
    platformAuditLog,
  };
}

/** The foundation tables of one helper schema, as {@link createFoundationSchema} returns them. */
export type FoundationSchema = ReturnType<typeof createFoundationSchema>;
