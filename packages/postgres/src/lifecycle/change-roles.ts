import { createAuditEvent, TenancyError } from '@tenancy/core';
import { z } from 'zod';
import type { LifecycleContext } from './lifecycle-context.js';
import { lockActiveTenant, runStep, writeAuditLog } from './lifecycle-context.js';
import { actorSchema, parseInput, roleNamesSchema, uuidSchema } from './lifecycle-input.js';
import { assertOwnerRemains, assertRolesExist } from './member-guards.js';

/** Input of {@link changeRoles}. */
export interface ChangeRolesInput {
  tenantId: string;
  userId: string;
  /** The complete new set of roles (not a delta); each must exist in the tenant. */
  roles: readonly string[];
  /** Change the member's roles in this workspace instead of tenant-wide; `[]` removes their workspace roles. */
  workspaceId?: string | undefined;
  actorId?: string | null | undefined;
}

/** The roles before and after a {@link changeRoles} call. */
export interface RoleChange {
  before: string[];
  after: string[];
}

const schema = z.strictObject({
  tenantId: uuidSchema,
  userId: uuidSchema,
  roles: roleNamesSchema,
  workspaceId: uuidSchema.optional(),
  actorId: actorSchema,
});

/**
 * Replaces a member's tenant-wide roles, or their roles in one workspace. Unknown roles are `INVALID_INPUT`, a user
 * who is not a member `MEMBERSHIP_REQUIRED`, and taking `owner` from the last owner `CONFLICT`. Every process drops
 * the member's cached membership when the transaction commits.
 * @example
 * await lifecycle.changeRoles({ tenantId, userId, roles: ['admin'], actorId });
 * await lifecycle.changeRoles({ tenantId, userId, workspaceId, roles: ['editor'], actorId });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#members-and-roles
 */
export async function changeRoles(context: LifecycleContext, input: ChangeRolesInput): Promise<RoleChange> {
  const data = parseInput(schema, input, 'changeRoles');
  const actorId = data.actorId ?? null;
  return runStep(context, { action: 'changeRoles', tenantId: data.tenantId, actorId }, async (tx) => {
    await lockActiveTenant(tx, context, data.tenantId);
    await assertRolesExist(tx, context, data.tenantId, data.roles);
    const s = tx(context.config.helperSchema);
    const [member] = await tx<Array<{ roles: string[] }>>`
      select roles from ${s}.memberships where tenant_id = ${data.tenantId} and user_id = ${data.userId} for update`;
    if (member === undefined) throw new TenancyError('MEMBERSHIP_REQUIRED', 'The user is not a member of this tenant.');

    let before: string[];
    if (data.workspaceId === undefined) {
      before = member.roles;
      await tx`update ${s}.memberships set roles = ${data.roles}
        where tenant_id = ${data.tenantId} and user_id = ${data.userId}`;
      await assertOwnerRemains(tx, context, data.tenantId);
    } else {
      const [workspace] = await tx`
        select 1 from ${s}.workspaces where tenant_id = ${data.tenantId} and id = ${data.workspaceId}`;
      if (workspace === undefined) throw new TenancyError('INVALID_INPUT', 'The tenant has no workspace with this id.');
      const [current] = await tx<Array<{ roles: string[] }>>`
        select roles from ${s}.workspace_memberships
        where tenant_id = ${data.tenantId} and workspace_id = ${data.workspaceId} and user_id = ${data.userId}`;
      before = current?.roles ?? [];
      if (data.roles.length === 0) {
        await tx`delete from ${s}.workspace_memberships
          where tenant_id = ${data.tenantId} and workspace_id = ${data.workspaceId} and user_id = ${data.userId}`;
      } else {
        await tx`insert into ${s}.workspace_memberships (tenant_id, workspace_id, user_id, roles)
          values (${data.tenantId}, ${data.workspaceId}, ${data.userId}, ${data.roles})
          on conflict (tenant_id, workspace_id, user_id) do update set roles = excluded.roles`;
      }
    }
    const after = data.roles;
    await writeAuditLog(tx, context, {
      tenantId: data.tenantId,
      actorId,
      action: 'member.roles_changed',
      targetType: 'user',
      targetId: data.userId,
      data: { before, after, ...(data.workspaceId === undefined ? {} : { workspaceId: data.workspaceId }) },
    });
    return {
      result: { before, after },
      events: [
        createAuditEvent('member.roles_changed', {
          tenantId: data.tenantId,
          principalId: actorId,
          userId: data.userId,
          before,
          after,
          ...(data.workspaceId === undefined ? {} : { workspaceId: data.workspaceId }),
        }),
      ],
    };
  });
}
