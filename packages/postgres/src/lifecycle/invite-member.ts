import { createAuditEvent, TenancyError } from '@tenancy/core';
import { z } from 'zod';
import { createInvitationToken, hashInvitationToken } from './invitation-token.js';
import type { LifecycleContext } from './lifecycle-context.js';
import { lockActiveTenant, runStep, writeAuditLog } from './lifecycle-context.js';
import { actorSchema, emailSchema, parseInput, roleNamesSchema, uuidSchema } from './lifecycle-input.js';
import { assertRolesExist } from './member-guards.js';

/** Input of {@link inviteMember}. */
export interface InviteMemberInput {
  tenantId: string;
  /** The invitee's address; only a user with this (verified) address can accept. */
  email: string;
  /** Tenant roles the invitee gets on acceptance; each must exist in the tenant. */
  roles: readonly string[];
  /** Who invites, for the audit log. */
  invitedBy?: string | null | undefined;
  /** Overrides the lifecycle's `invitationTtlMs` for this invitation. */
  expiresInMs?: number | undefined;
}

/** What {@link inviteMember} returns. The token is not stored anywhere: send it now or lose it. */
export interface Invitation {
  invitationId: string;
  token: string;
  expiresAt: Date;
}

const schema = z.strictObject({
  tenantId: uuidSchema,
  email: emailSchema,
  roles: roleNamesSchema,
  invitedBy: actorSchema,
  expiresInMs: z
    .int()
    .min(60_000)
    .max(90 * 24 * 3600 * 1000)
    .optional(),
});

/**
 * Invites someone to an active tenant: a random 256-bit token (returned once; only its SHA-256 is stored) with an
 * expiry. Inviting an address with a pending invitation replaces it (the old token stops working); inviting a member
 * is `CONFLICT`.
 * @example
 * const { token } = await lifecycle.inviteMember({ tenantId, email: 'grace@acme.test', roles: ['member'], invitedBy });
 * await mailer.send('grace@acme.test', `https://app.example.com/join?token=${token}`);
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#invitations
 */
export async function inviteMember(context: LifecycleContext, input: InviteMemberInput): Promise<Invitation> {
  const data = parseInput(schema, input, 'inviteMember');
  const actorId = data.invitedBy ?? null;
  const token = createInvitationToken();
  const expiresAt = new Date(Date.now() + (data.expiresInMs ?? context.invitationTtlMs));
  return runStep(context, { action: 'inviteMember', tenantId: data.tenantId, actorId }, async (tx) => {
    await lockActiveTenant(tx, context, data.tenantId);
    await assertRolesExist(tx, context, data.tenantId, data.roles);
    const s = tx(context.config.helperSchema);
    const [member] = await tx`
      select 1 from ${s}.memberships m join ${s}.users u on u.id = m.user_id
      where m.tenant_id = ${data.tenantId} and u.email = ${data.email}`;
    if (member !== undefined)
      throw new TenancyError('CONFLICT', 'This address belongs to a member of the tenant already.');
    await tx`update ${s}.invitations set revoked_at = now()
      where tenant_id = ${data.tenantId} and email = ${data.email} and accepted_at is null and revoked_at is null`;
    const [row] = await tx<Array<{ id: string }>>`
      insert into ${s}.invitations (tenant_id, email, roles, token_hash, invited_by, expires_at)
      values (${data.tenantId}, ${data.email}, ${data.roles}, ${hashInvitationToken(token)}, ${actorId}, ${expiresAt})
      returning id`;
    if (row === undefined) throw new TenancyError('INTERNAL', 'inviteMember: the insert returned no row.');
    await writeAuditLog(tx, context, {
      tenantId: data.tenantId,
      actorId,
      action: 'member.invited',
      targetType: 'invitation',
      targetId: row.id,
      data: { email: data.email, roles: data.roles, expiresAt: expiresAt.toISOString() },
    });
    return {
      result: { invitationId: row.id, token, expiresAt },
      events: [
        createAuditEvent('member.invited', {
          tenantId: data.tenantId,
          principalId: actorId,
          invitationId: row.id,
          roles: data.roles,
        }),
      ],
      // Nothing cached changes until the invitation is accepted.
      notify: [],
    };
  });
}
