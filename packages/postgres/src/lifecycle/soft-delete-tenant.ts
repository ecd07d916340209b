import { createAuditEvent } from '@tenancy/core';
import { z } from 'zod';
import type { LifecycleContext } from './lifecycle-context.js';
import { lockTenant, runStep, writeAuditLog } from './lifecycle-context.js';
import { actorSchema, parseInput, uuidSchema } from './lifecycle-input.js';

/** Input of {@link softDeleteTenant}. */
export interface SoftDeleteTenantInput {
  tenantId: string;
  reason?: string | undefined;
  actorId?: string | null | undefined;
}

const schema = z.strictObject({
  tenantId: uuidSchema,
  reason: z.string().trim().min(1).max(500).optional(),
  actorId: actorSchema,
});

/**
 * Soft-deletes a tenant: status `deleted`, `deleted_at` set, its slug and custom domains freed for others, pending
 * invitations revoked. Everything else stays until {@link purgeTenant} (or `eraseTenant`) removes it. The store finds
 * the tenant by id with status `deleted` (core answers TENANT_NOT_FOUND) and no longer by slug or domain. Deleting a
 * deleted tenant changes nothing (`false`).
 * @example
 * await lifecycle.softDeleteTenant({ tenantId, reason: 'customer request #5521', actorId: operatorId });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#delete-and-purge
 */
export async function softDeleteTenant(context: LifecycleContext, input: SoftDeleteTenantInput): Promise<boolean> {
  const data = parseInput(schema, input, 'softDeleteTenant');
  const actorId = data.actorId ?? null;
  return runStep(context, { action: 'softDeleteTenant', tenantId: data.tenantId, actorId }, async (tx) => {
    const tenant = await lockTenant(tx, context, data.tenantId);
    if (tenant.status === 'deleted') return { result: false, events: [], notify: [] };
    const s = tx(context.config.helperSchema);
    await tx`update ${s}.tenants set status = 'deleted', deleted_at = now() where id = ${data.tenantId}`;
    const domains = await tx<Array<{ domain: string }>>`
      delete from ${s}.domains where tenant_id = ${data.tenantId} returning domain`;
    await tx`update ${s}.invitations set revoked_at = now()
      where tenant_id = ${data.tenantId} and accepted_at is null and revoked_at is null`;
    await writeAuditLog(tx, context, {
      tenantId: data.tenantId,
      actorId,
      action: 'tenant.deleted',
      targetType: 'tenant',
      targetId: data.tenantId,
      data: {
        slug: tenant.slug,
        domains: domains.map((d) => d.domain).sort(),
        ...(data.reason === undefined ? {} : { reason: data.reason }),
      },
    });
    return {
      result: true,
      events: [
        createAuditEvent('tenant.deleted', {
          tenantId: data.tenantId,
          principalId: actorId,
          ...(data.reason === undefined ? {} : { reason: data.reason }),
        }),
      ],
    };
  });
}
