import { createAuditEvent, TenancyError } from '@tenancy/core';
import { z } from 'zod';
import type { LifecycleContext } from './lifecycle-context.js';
import { lockTenant, runStep, writeAuditLog } from './lifecycle-context.js';
import { actorSchema, parseInput, uuidSchema } from './lifecycle-input.js';

/** Input of {@link reactivateTenant}. */
export interface ReactivateTenantInput {
  tenantId: string;
  actorId?: string | null | undefined;
}

const schema = z.strictObject({ tenantId: uuidSchema, actorId: actorSchema });

/**
 * Reactivates a suspended tenant. An active tenant is left alone (`false`); a deleted tenant cannot come back
 * (`TENANT_NOT_FOUND`): deletion freed its slug and domains, which someone else may hold by now.
 * @example
 * await lifecycle.reactivateTenant({ tenantId, actorId: operatorId });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#suspend-and-reactivate
 */
export async function reactivateTenant(context: LifecycleContext, input: ReactivateTenantInput): Promise<boolean> {
  const data = parseInput(schema, input, 'reactivateTenant');
  const actorId = data.actorId ?? null;
  return runStep(context, { action: 'reactivateTenant', tenantId: data.tenantId, actorId }, async (tx) => {
    const tenant = await lockTenant(tx, context, data.tenantId);
    if (tenant.status === 'deleted') throw new TenancyError('TENANT_NOT_FOUND', 'No tenant with this id.');
    if (tenant.status === 'active') return { result: false, events: [], notify: [] };
    const s = tx(context.config.helperSchema);
    await tx`update ${s}.tenants set status = 'active', suspended_at = null where id = ${data.tenantId}`;
    await writeAuditLog(tx, context, {
      tenantId: data.tenantId,
      actorId,
      action: 'tenant.reactivated',
      targetType: 'tenant',
      targetId: data.tenantId,
    });
    return {
      result: true,
      events: [createAuditEvent('tenant.reactivated', { tenantId: data.tenantId, principalId: actorId })],
    };
  });
}
