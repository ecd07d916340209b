import { createAuditEvent, TenancyError } from '@tenancy/core';
import { z } from 'zod';
import type { LifecycleContext } from './lifecycle-context.js';
import { runStep, writeAuditLog } from './lifecycle-context.js';
import { actorSchema, parseInput, uuidSchema } from './lifecycle-input.js';

/** Input of {@link revokeInvitation}. */
export interface RevokeInvitationInput {
  tenantId: string;
  invitationId: string;
  actorId?: string | null | undefined;
}

const schema = z.strictObject({ tenantId: uuidSchema, invitationId: uuidSchema, actorId: actorSchema });

/**
 * Revokes a pending invitation: its token stops working. `INVALID_INPUT` when there is no pending invitation
 * with this id in this tenant.
 * @example
 * await lifecycle.revokeInvitation({ tenantId, invitationId, actorId });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#invitations
 */
export async function revokeInvitation(context: LifecycleContext, input: RevokeInvitationInput): Promise<void> {
  const data = parseInput(schema, input, 'revokeInvitation');
  const actorId = data.actorId ?? null;
  return runStep(context, { action: 'revokeInvitation', tenantId: data.tenantId, actorId }, async (tx) => {
    const s = tx(context.config.helperSchema);
    const rows = await tx`update ${s}.invitations set revoked_at = now()
      where tenant_id = ${data.tenantId} and id = ${data.invitationId} and accepted_at is null and revoked_at is null
      returning id`;
    if (rows.length === 0)
      throw new TenancyError('INVALID_INPUT', 'No pending invitation with this id in this tenant.');
    await writeAuditLog(tx, context, {
      tenantId: data.tenantId,
      actorId,
      action: 'invitation.revoked',
      targetType: 'invitation',
      targetId: data.invitationId,
    });
    return {
      result: undefined,
      events: [
        createAuditEvent('invitation.revoked', {
          tenantId: data.tenantId,
          principalId: actorId,
          invitationId: data.invitationId,
        }),
      ],
      notify: [],
    };
  });
}
