import { randomUUID } from 'node:crypto';
import { createAuditEvent, TenancyError } from '@tenancy/core';
import type postgres from 'postgres';
import { z } from 'zod';
import { jsonText } from '../foundation/json-text.js';
import { PERMISSION_PATTERN } from '../foundation/patterns.js';
import type { TenantBranding, TenantSettings } from '../foundation/tenant-settings.js';
import { tenantBrandingSchema, tenantSettingsSchema } from '../foundation/tenant-settings.js';
import type { PostgresTenantRecord } from '../store/uncached-postgres-tenant-store.js';
import type { TenantRoleSeed } from './default-roles.js';
import { DEFAULT_TENANT_ROLES, OWNER_ROLE } from './default-roles.js';
import type { LifecycleContext } from './lifecycle-context.js';
import { runStep, writeAuditLog } from './lifecycle-context.js';
import {
  actorSchema,
  emailSchema,
  nameSchema,
  parseInput,
  roleNamesSchema,
  slugSchema,
  uuidSchema,
} from './lifecycle-input.js';

/** Who owns a new tenant: an existing user by id or e-mail, or a new user (then `email` is required). */
export interface TenantOwnerInput {
  /** An existing user's id, or the id to create the user with (e.g. the subject from your identity provider). */
  id?: string | undefined;
  /** The owner's verified e-mail address; finds the user when no id is given, creates one when none exists. */
  email?: string | undefined;
  displayName?: string | undefined;
}

/** Input of {@link createTenant}. */
export interface CreateTenantInput {
  /** Trimmed and lowercased, then held to core's slug rules; unique among tenants that are not deleted. */
  slug: string;
  name: string;
  owner: TenantOwnerInput;
  plan?: string | null | undefined;
  settings?: TenantSettings | undefined;
  branding?: TenantBranding | undefined;
  /** The roles to seed (default {@link DEFAULT_TENANT_ROLES}); must include `owner`. */
  roles?: TenantRoleSeed | undefined;
  /** The default workspace (default slug `default`, name `Default`). */
  workspace?: { slug?: string | undefined; name?: string | undefined } | undefined;
  /** The new tenant's id (default: a random uuid). */
  id?: string | undefined;
  /** Who creates it, for the audit log (default: the owner, as in a self-service sign-up). */
  actorId?: string | null | undefined;
}

/** What {@link createTenant} returns. */
export interface CreateTenantResult {
  tenant: PostgresTenantRecord;
  owner: { id: string; email: string; created: boolean };
  workspace: { id: string; slug: string; name: string };
}

function inputSchema(reserved: ReadonlySet<string>) {
  const permission = z.string().regex(new RegExp(PERMISSION_PATTERN), 'is not resource:action, resource:* or *');
  const role = z.strictObject({
    inherits: roleNamesSchema.optional(),
    allow: z.array(permission).max(256).optional(),
    deny: z.array(permission).max(256).optional(),
  });
  return z.strictObject({
    slug: slugSchema(reserved),
    name: nameSchema,
    owner: z
      .strictObject({ id: uuidSchema.optional(), email: emailSchema.optional(), displayName: nameSchema.optional() })
      .refine((o) => o.id !== undefined || o.email !== undefined, 'needs an id or an email'),
    plan: z.string().trim().min(1).max(100).nullable().optional(),
    settings: tenantSettingsSchema.optional(),
    branding: tenantBrandingSchema.optional(),
    roles: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/), role)
      .refine((roles) => Object.hasOwn(roles, OWNER_ROLE), `must include the "${OWNER_ROLE}" role`)
      .refine(
        (roles) => Object.values(roles).every((r) => (r.inherits ?? []).every((name) => Object.hasOwn(roles, name))),
        'inherit only roles of the same set',
      )
      .optional(),
    workspace: z.strictObject({ slug: slugSchema(new Set()).optional(), name: nameSchema.optional() }).optional(),
    id: uuidSchema.optional(),
    actorId: actorSchema,
  });
}

/**
 * Onboards a tenant in one transaction: the tenant row, its owner (an existing user or a new one), the owner's
 * membership with the `owner` role, the default workspace, and the seeded roles and permissions; one `tenant.created`
 * audit row and event. A taken slug is `CONFLICT`, a reserved or malformed one `INVALID_INPUT`. A slug freed by a
 * deleted tenant may be taken: the new tenant has a new id and shares no row with the old one.
 * @example
 * const { tenant, workspace } = await lifecycle.createTenant({
 *   slug: 'acme', name: 'Acme Inc.', owner: { email: 'ada@acme.test' }, plan: 'pro',
 * });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#onboarding
 */
export async function createTenant(context: LifecycleContext, input: CreateTenantInput): Promise<CreateTenantResult> {
  const data = parseInput(inputSchema(context.reservedSlugs), input, 'createTenant');
  const tenantId = data.id ?? randomUUID();
  const roles: TenantRoleSeed = data.roles ?? DEFAULT_TENANT_ROLES;
  const workspace = {
    id: randomUUID(),
    slug: data.workspace?.slug ?? 'default',
    name: data.workspace?.name ?? 'Default',
  };

  return runStep(context, { action: 'createTenant', tenantId, actorId: data.actorId ?? data.owner.id }, async (tx) => {
    const s = tx(context.config.helperSchema);
    const [tenant] = await tx<PostgresTenantRecord[]>`
      insert into ${s}.tenants (id, slug, name, plan, settings, branding)
      values (${tenantId}, ${data.slug}, ${data.name}, ${data.plan ?? null},
        ${jsonText(data.settings)}::text::jsonb, ${jsonText(data.branding)}::text::jsonb)
      returning id, slug, name, status, plan, settings, branding`;
    if (tenant === undefined) throw new TenancyError('INTERNAL', 'createTenant: the insert returned no row.');

    const owner = await findOrCreateUser(tx, context, data.owner);

    const roleRows = Object.entries(roles).map(([name, role]) => ({
      tenant_id: tenantId,
      name,
      inherits: [...(role.inherits ?? [])],
    }));
    await tx`insert into ${s}.roles ${tx(roleRows, 'tenant_id', 'name', 'inherits')}`;
    const permissionRows = Object.entries(roles).flatMap(([name, role]) =>
      (['allow', 'deny'] as const).flatMap((effect) =>
        [...new Set(role[effect] ?? [])].map((permission) => ({ tenant_id: tenantId, role: name, permission, effect })),
      ),
    );
    if (permissionRows.length > 0) {
      await tx`insert into ${s}.role_permissions ${tx(permissionRows, 'tenant_id', 'role', 'permission', 'effect')}`;
    }
    await tx`insert into ${s}.memberships (tenant_id, user_id, roles) values (${tenantId}, ${owner.id}, ${[OWNER_ROLE]})`;
    await tx`insert into ${s}.workspaces (tenant_id, id, slug, name, is_default)
      values (${tenantId}, ${workspace.id}, ${workspace.slug}, ${workspace.name}, true)`;

    const actorId = data.actorId === undefined ? owner.id : data.actorId;
    await writeAuditLog(tx, context, {
      tenantId,
      actorId,
      action: 'tenant.created',
      targetType: 'tenant',
      targetId: tenantId,
      data: { slug: data.slug, plan: data.plan ?? null, ownerId: owner.id, workspaceId: workspace.id },
    });
    return {
      result: { tenant, owner, workspace },
      events: [createAuditEvent('tenant.created', { tenantId, principalId: actorId, slug: data.slug })],
    };
  });
}

/** Finds a user by id or e-mail, or creates it; CONFLICT when id and e-mail name two different users. */
export async function findOrCreateUser(
  tx: postgres.TransactionSql,
  context: LifecycleContext,
  user: { id?: string | undefined; email?: string | undefined; displayName?: string | undefined },
): Promise<{ id: string; email: string; created: boolean }> {
  const s = tx(context.config.helperSchema);
  const [byId] =
    user.id === undefined
      ? []
      : await tx<Array<{ id: string; email: string }>>`
    select id, email from ${s}.users where id = ${user.id}`;
  const [byEmail] =
    user.email === undefined
      ? []
      : await tx<Array<{ id: string; email: string }>>`
    select id, email from ${s}.users where email = ${user.email}`;
  if (byId !== undefined && byEmail !== undefined && byId.id !== byEmail.id) {
    throw new TenancyError('CONFLICT', 'The id and the e-mail address belong to two different users.');
  }
  if (byId !== undefined && user.email !== undefined && byId.email !== user.email) {
    throw new TenancyError('CONFLICT', 'This user id is registered with another e-mail address.');
  }
  const existing = byId ?? byEmail;
  if (existing !== undefined) return { ...existing, created: false };
  if (user.email === undefined) {
    throw new TenancyError('INVALID_INPUT', 'No user with this id: give an e-mail address to create one.', {
      details: { path: ['email'] },
    });
  }
  const id = user.id ?? randomUUID();
  await tx`insert into ${s}.users (id, email, display_name) values (${id}, ${user.email}, ${user.displayName ?? null})`;
  return { id, email: user.email, created: true };
}
