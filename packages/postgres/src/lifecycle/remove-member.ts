import { createAuditEvent, TenancyError } from '@tenancy/core';
import { z } from 'zod';
import type { LifecycleContext } from './lifecycle-context.js';
import { lockActiveTenant, runStep, writeAuditLog } from './lifecycle-context.js';
import { actorSchema, parseInput, uuidSchema } from './lifecycle-input.js';
import { assertOwnerRemains } from './member-guards.js';

/** Input of {@link removeMember}. */
export interface RemoveMemberInput {
  tenantId: string;
  userId: string;
  actorId?: string | null | undefined;
}

const schema = z.strictObject({ tenantId: uuidSchema, userId: uuidSchema, actorId: actorSchema });

/**
 * Removes a member from a tenant, with their workspace roles. The user (a global identity) stays. Removing the last
 * owner is `CONFLICT`, a user who is not a member `MEMBERSHIP_REQUIRED`.
 * @example
 * await lifecycle.removeMember({ tenantId, userId, actorId });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#members-and-roles
 */
export async function removeMember(context: LifecycleContext, input: RemoveMemberInput): Promise<void> {
  const data = parseInput(schema, input, 'removeMember');
  const actorId = data.actorId ?? null;
  return runStep(context, { action: 'removeMember', tenantId: data.tenantId, actorId }, async (tx) => {
    await lockActiveTenant(tx, context, data.tenantId);
    const s = tx(context.config.helperSchema);
    const removed = await tx`delete from ${s}.memberships
      where tenant_id = ${data.tenantId} and user_id = ${data.userId} returning user_id`;
    if (removed.length === 0) throw new TenancyError('MEMBERSHIP_REQUIRED', 'The user is not a member of this tenant.');
    await assertOwnerRemains(tx, context, data.tenantId);
    await writeAuditLog(tx, context, {
      tenantId: data.tenantId,
      actorId,
      action: 'member.removed',
      targetType: 'user',
      targetId: data.userId,
    });
    return {
      result: undefined,
      events: [
        createAuditEvent('member.removed', { tenantId: data.tenantId, principalId: actorId, userId: data.userId }),
      ],
    };
  });
}
