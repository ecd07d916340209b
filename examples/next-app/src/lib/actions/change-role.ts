'use server';

import { isTenancyError } from '@tenancy/core';
import { refresh } from 'next/cache';
import { z } from 'zod';
import { ROLE_NAMES } from '../permissions';
import { services } from '../services';
import { runInTenant } from '../tenancy-server';

/** What a member row shows after a role change. */
export interface ChangeRoleState {
  readonly error?: string | undefined;
}

const formSchema = z.object({ userId: z.uuid(), role: z.enum(ROLE_NAMES) });

/**
 * Gives a member of the request's tenant a new role, for members allowed `member:update`. The lifecycle keeps the
 * last owner, writes the audit log and tells every process to drop the member's cached membership.
 */
export async function changeRole(_previous: ChangeRoleState, form: FormData): Promise<ChangeRoleState> {
  const parsed = formSchema.safeParse({ userId: form.get('userId'), role: form.get('role') });
  if (!parsed.success) return { error: 'Pick one of the roles.' };
  try {
    await runInTenant(async (tenancy) => {
      tenancy.assert('member:update');
      await services().lifecycle.changeRoles({
        tenantId: tenancy.tenant.id,
        userId: parsed.data.userId,
        roles: [parsed.data.role],
        actorId: tenancy.context.userId,
      });
    });
  } catch (error) {
    if (isTenancyError(error, 'PERMISSION_DENIED')) return { error: 'Only admins can change roles.' };
    if (isTenancyError(error, 'CONFLICT')) return { error: 'A tenant keeps at least one owner.' };
    if (isTenancyError(error, 'MEMBERSHIP_REQUIRED')) return { error: 'This user is no longer a member.' };
    throw error;
  }
  refresh();
  return {};
}
