import { createAuditEvent, TenancyError } from '@tenancy/core';
import { z } from 'zod';
import { jsonText } from '../foundation/json-text.js';
import type { TenantBranding, TenantSettings } from '../foundation/tenant-settings.js';
import { tenantBrandingSchema, tenantSettingsSchema } from '../foundation/tenant-settings.js';
import type { PostgresTenantRecord } from '../store/uncached-postgres-tenant-store.js';
import type { LifecycleContext } from './lifecycle-context.js';
import { lockActiveTenant, runStep, writeAuditLog } from './lifecycle-context.js';
import { actorSchema, nameSchema, parseInput, uuidSchema } from './lifecycle-input.js';

/** Input of {@link updateTenant}: the fields to change; absent fields stay as they are. */
export interface UpdateTenantInput {
  tenantId: string;
  name?: string | undefined;
  plan?: string | null | undefined;
  /** Replaces the settings object (validated: a JSON object of at most 64 KiB). */
  settings?: TenantSettings | undefined;
  /** Replaces the branding (validated: https URLs, #rrggbb colours). */
  branding?: TenantBranding | undefined;
  actorId?: string | null | undefined;
}

const schema = z.strictObject({
  tenantId: uuidSchema,
  name: nameSchema.optional(),
  plan: z.string().trim().min(1).max(100).nullable().optional(),
  settings: tenantSettingsSchema.optional(),
  branding: tenantBrandingSchema.optional(),
  actorId: actorSchema,
});

/**
 * Changes an active tenant's name, plan, settings or branding, validated, in one audited transaction. The slug is
 * not changed here: links and subdomains depend on it.
 * @example
 * await lifecycle.updateTenant({ tenantId, branding: { logoUrl: 'https://cdn.acme.test/logo.svg', primaryColor: '#0a7cff' } });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#settings-and-branding
 */
export async function updateTenant(context: LifecycleContext, input: UpdateTenantInput): Promise<PostgresTenantRecord> {
  const data = parseInput(schema, input, 'updateTenant');
  const actorId = data.actorId ?? null;
  const fields = (['name', 'plan', 'settings', 'branding'] as const).filter((field) => data[field] !== undefined);
  return runStep(context, { action: 'updateTenant', tenantId: data.tenantId, actorId }, async (tx) => {
    await lockActiveTenant(tx, context, data.tenantId);
    const s = tx(context.config.helperSchema);
    const [tenant] = await tx<PostgresTenantRecord[]>`
      update ${s}.tenants set
        name = coalesce(${data.name ?? null}, name),
        plan = case when ${data.plan !== undefined} then ${data.plan ?? null} else plan end,
        settings = coalesce(${data.settings === undefined ? null : jsonText(data.settings)}::text::jsonb, settings),
        branding = coalesce(${data.branding === undefined ? null : jsonText(data.branding)}::text::jsonb, branding)
      where id = ${data.tenantId}
      returning id, slug, name, status, plan, settings, branding`;
    if (tenant === undefined) throw new TenancyError('TENANT_NOT_FOUND', 'No tenant with this id.');
    await writeAuditLog(tx, context, {
      tenantId: data.tenantId,
      actorId,
      action: 'tenant.updated',
      targetType: 'tenant',
      targetId: data.tenantId,
      data: { fields },
    });
    return {
      result: tenant,
      events: [createAuditEvent('tenant.updated', { tenantId: data.tenantId, principalId: actorId, fields })],
    };
  });
}
