import { isTenancyError } from '@tenancy/core';
import type { TenantScopedRequest } from '@tenancy/next/server';
import { redirect } from 'next/navigation';
import type { Permission } from './permissions';
import { requireTenantContext } from './tenancy-server';

/**
 * The current request's tenant resolution, for pages that need a signed-in member. Anonymous visitors go to the
 * sign-in page; other refusals (not a member, suspended) were already answered by the proxy, and reach here only
 * for requests that skipped it, where they surface as errors.
 * @example
 * const { tenant, context } = await requireMember();
 */
export async function requireMember(): Promise<TenantScopedRequest<Permission>> {
  try {
    return await requireTenantContext();
  } catch (error) {
    if (isTenancyError(error, 'TENANT_REQUIRED') || isTenancyError(error, 'UNAUTHENTICATED')) redirect('/sign-in');
    throw error;
  }
}
