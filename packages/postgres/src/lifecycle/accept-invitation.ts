import { createAuditEvent, TenancyError } from '@tenancy/core';
import { z } from 'zod';
import { findOrCreateUser } from './create-tenant.js';
import { hashInvitationToken, INVITATION_TOKEN } from './invitation-token.js';
import type { LifecycleContext } from './lifecycle-context.js';
import { lockActiveTenant, runStep, writeAuditLog } from './lifecycle-context.js';
import { emailSchema, nameSchema, parseInput, uuidSchema } from './lifecycle-input.js';

/** Input of {@link acceptInvitation}. */
export interface AcceptInvitationInput {
  /** The token from the invitation link. */
  token: string;
  /**
   * The accepting user, as your authentication verified them: the e-mail must be the invited one. An existing user is
   * found by id or e-mail; a new one is created (with `id` when given).
   */
  user: { id?: string | undefined; email: string; displayName?: string | undefined };
}

/** What {@link acceptInvitation} returns: the membership it created or extended. */
export interface AcceptedInvitation {
  tenantId: string;
  userId: string;
  roles: string[];
}

const schema = z.strictObject({
  token: z.string().regex(INVITATION_TOKEN, 'is not an invitation token'),
  user: z.strictObject({ id: uuidSchema.optional(), email: emailSchema, displayName: nameSchema.optional() }),
});

// One message for "no such token": a guess must not learn more than "no".
const INVALID = 'The invitation is invalid, expired or used.';

/**
 * Accepts an invitation: looks the token up by its SHA-256, checks it is pending and not expired, that the tenant is
 * active and that the user's e-mail is the invited one, then makes the user a member (roles added to an existing
 * membership) and marks the invitation used, in one transaction. A token works once.
 * @example
 * const { tenantId } = await lifecycle.acceptInvitation({ token, user: { id: session.userId, email: session.email } });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#invitations
 */
export async function acceptInvitation(
  context: LifecycleContext,
  input: AcceptInvitationInput,
): Promise<AcceptedInvitation> {
  const data = parseInput(schema, input, 'acceptInvitation');
  const hash = hashInvitationToken(data.token);
  return runStep(context, { action: 'acceptInvitation', actorId: data.user.id ?? null }, async (tx) => {
    const s = tx(context.config.helperSchema);
    // Tenant row first, invitation second: the order every other lifecycle step locks in, so no deadlock.
    const [found] = await tx<Array<{ tenant_id: string }>>`
      select tenant_id from ${s}.invitations where token_hash = ${hash}`;
    if (found === undefined) throw new TenancyError('INVALID_INPUT', INVALID, { details: { field: 'token' } });
    await lockActiveTenant(tx, context, found.tenant_id);
    const [invitation] = await tx<
      Array<{
        tenant_id: string;
        id: string;
        email: string;
        roles: string[];
        expired: boolean;
        accepted_at: Date | null;
        revoked_at: Date | null;
      }>
    >`select tenant_id, id, email, roles, expires_at <= now() as expired, accepted_at, revoked_at
      from ${s}.invitations where tenant_id = ${found.tenant_id} and token_hash = ${hash} for update`;
    if (invitation === undefined || invitation.accepted_at !== null || invitation.revoked_at !== null) {
      throw new TenancyError('INVALID_INPUT', INVALID, { details: { field: 'token' } });
    }
    if (invitation.expired) throw new TenancyError('INVALID_INPUT', INVALID, { details: { field: 'token' } });
    if (invitation.email !== data.user.email) {
      throw new TenancyError('PERMISSION_DENIED', 'This invitation was sent to another e-mail address.');
    }
    const user = await findOrCreateUser(tx, context, data.user);
    const [membership] = await tx<Array<{ roles: string[] }>>`
      insert into ${s}.memberships (tenant_id, user_id, roles)
      values (${invitation.tenant_id}, ${user.id}, ${invitation.roles})
      on conflict (tenant_id, user_id) do update
        set roles = array(select distinct unnest(${s}.memberships.roles || excluded.roles) order by 1)
      returning roles`;
    await tx`update ${s}.invitations set accepted_at = now(), accepted_by = ${user.id}
      where tenant_id = ${invitation.tenant_id} and id = ${invitation.id}`;
    await writeAuditLog(tx, context, {
      tenantId: invitation.tenant_id,
      actorId: user.id,
      action: 'invitation.accepted',
      targetType: 'invitation',
      targetId: invitation.id,
      data: { userId: user.id, roles: invitation.roles },
    });
    return {
      result: { tenantId: invitation.tenant_id, userId: user.id, roles: membership?.roles ?? invitation.roles },
      events: [
        createAuditEvent('member.joined', {
          tenantId: invitation.tenant_id,
          principalId: user.id,
          invitationId: invitation.id,
          roles: invitation.roles,
        }),
      ],
      notify: [invitation.tenant_id],
    };
  });
}
