import { TenancyError } from '@tenancy/core';
import type postgres from 'postgres';
import { OWNER_ROLE } from './default-roles.js';
import type { LifecycleContext } from './lifecycle-context.js';

/** INVALID_INPUT unless every role exists in the tenant: a typo must not grant nothing silently. */
export async function assertRolesExist(
  tx: postgres.TransactionSql,
  context: LifecycleContext,
  tenantId: string,
  roles: readonly string[],
): Promise<void> {
  if (roles.length === 0) return;
  const s = tx(context.config.helperSchema);
  const found = await tx<Array<{ name: string }>>`
    select name from ${s}.roles where tenant_id = ${tenantId} and name = any(${roles as string[]})`;
  const known = new Set(found.map((r) => r.name));
  const unknown = roles.filter((role) => !known.has(role));
  if (unknown.length > 0) {
    throw new TenancyError(
      'INVALID_INPUT',
      `The tenant has no role named ${unknown.map((r) => `"${r}"`).join(', ')}.`,
      {
        details: { roles: unknown },
      },
    );
  }
}

/**
 * CONFLICT when the change would leave the tenant without an owner: someone must be able to manage it. Call it
 * after the change, inside the same transaction (the memberships are locked by then).
 */
export async function assertOwnerRemains(
  tx: postgres.TransactionSql,
  context: LifecycleContext,
  tenantId: string,
): Promise<void> {
  const s = tx(context.config.helperSchema);
  const [row] = await tx<Array<{ owners: number }>>`
    select count(*)::int as owners from ${s}.memberships where tenant_id = ${tenantId} and ${OWNER_ROLE} = any(roles)`;
  if ((row?.owners ?? 0) === 0) {
    throw new TenancyError(
      'CONFLICT',
      `The tenant would be left without an "${OWNER_ROLE}": make someone else owner first.`,
    );
  }
}
