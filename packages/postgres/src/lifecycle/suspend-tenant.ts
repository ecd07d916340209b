import { createAuditEvent, TenancyError } from '@tenancy/core';
import { z } from 'zod';
import type { LifecycleContext } from './lifecycle-context.js';
import { lockTenant, runStep, writeAuditLog } from './lifecycle-context.js';
import { actorSchema, parseInput, uuidSchema } from './lifecycle-input.js';

/** Input of {@link suspendTenant}. */
export interface SuspendTenantInput {
  tenantId: string;
  /** Why (billing, abuse, a support ticket): kept in the audit log. */
  reason?: string | undefined;
  actorId?: string | null | undefined;
}

const schema = z.strictObject({
  tenantId: uuidSchema,
  reason: z.string().trim().min(1).max(500).optional(),
  actorId: actorSchema,
});

/**
 * Suspends an active tenant: from the commit on, every process's tenant store answers `suspended` (LISTEN/NOTIFY)
 * and core refuses the tenant with `TENANT_SUSPENDED`. Suspending a suspended tenant changes nothing and returns
 * `false`; a deleted one is `TENANT_NOT_FOUND`.
 * @example
 * await lifecycle.suspendTenant({ tenantId, reason: 'invoice 2024-118 unpaid', actorId: operatorId });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#suspend-and-reactivate
 */
export async function suspendTenant(context: LifecycleContext, input: SuspendTenantInput): Promise<boolean> {
  const data = parseInput(schema, input, 'suspendTenant');
  const actorId = data.actorId ?? null;
  return runStep(context, { action: 'suspendTenant', tenantId: data.tenantId, actorId }, async (tx) => {
    const tenant = await lockTenant(tx, context, data.tenantId);
    if (tenant.status === 'deleted') throw new TenancyError('TENANT_NOT_FOUND', 'No tenant with this id.');
    if (tenant.status === 'suspended') return { result: false, events: [], notify: [] };
    const s = tx(context.config.helperSchema);
    await tx`update ${s}.tenants set status = 'suspended', suspended_at = now() where id = ${data.tenantId}`;
    await writeAuditLog(tx, context, {
      tenantId: data.tenantId,
      actorId,
      action: 'tenant.suspended',
      targetType: 'tenant',
      targetId: data.tenantId,
      data: data.reason === undefined ? {} : { reason: data.reason },
    });
    return {
      result: true,
      events: [
        createAuditEvent('tenant.suspended', {
          tenantId: data.tenantId,
          principalId: actorId,
          ...(data.reason === undefined ? {} : { reason: data.reason }),
        }),
      ],
    };
  });
}
