import { createAuditEvent, TenancyError } from '@tenancy/core';
import { z } from 'zod';
import type { ErasureCounts } from '../gdpr/erase-tenant.js';
import { eraseTenantRows } from '../gdpr/erase-tenant.js';
import type { LifecycleContext } from './lifecycle-context.js';
import { lockTenant, runStep, writePlatformAuditLog } from './lifecycle-context.js';
import { actorSchema, parseInput, uuidSchema } from './lifecycle-input.js';

/** Input of {@link purgeTenant}. */
export interface PurgeTenantInput {
  tenantId: string;
  actorId?: string | null | undefined;
  /** Also delete users who belonged to this tenant only (default false): see `eraseTenant`. */
  deleteOrphanedUsers?: boolean | undefined;
}

const schema = z.strictObject({
  tenantId: uuidSchema,
  actorId: actorSchema,
  deleteOrphanedUsers: z.boolean().optional(),
});

/**
 * Hard-deletes everything a soft-deleted tenant owns, in every tenant table of the config, and the tenant row itself,
 * in one transaction. Only after {@link softDeleteTenant}: an active or suspended tenant is `CONFLICT`. The tenant's
 * own audit log goes with it, so the purge is recorded in the platform audit log (tenant id, actor, row counts).
 * @example
 * await lifecycle.softDeleteTenant({ tenantId, actorId });
 * // ... the grace period your terms promise ...
 * const counts = await lifecycle.purgeTenant({ tenantId, actorId });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#delete-and-purge
 */
export async function purgeTenant(context: LifecycleContext, input: PurgeTenantInput): Promise<ErasureCounts> {
  const data = parseInput(schema, input, 'purgeTenant');
  const actorId = data.actorId ?? null;
  return runStep(context, { action: 'purgeTenant', tenantId: data.tenantId, actorId }, async (tx) => {
    const tenant = await lockTenant(tx, context, data.tenantId);
    if (tenant.status !== 'deleted') {
      throw new TenancyError('CONFLICT', 'Only a deleted tenant can be purged: soft-delete it first.');
    }
    const rows = await eraseTenantRows(tx, context.config, data.tenantId, data);
    await writePlatformAuditLog(tx, context.config, {
      subjectTenantId: data.tenantId,
      actorId,
      action: 'tenant.purged',
      data: { rows },
    });
    return {
      result: rows,
      events: [createAuditEvent('tenant.purged', { tenantId: data.tenantId, principalId: actorId, rows })],
    };
  });
}
