import { TenancyError } from '../errors/tenancy-error.js';
import type { TenantRecord } from './tenant.js';

/**
 * Refuses a tenant nothing may run in: `deleted` is `TENANT_NOT_FOUND` (existence does not leak), any other status
 * but `active` is `TENANT_SUSPENDED`.
 */
export function assertTenantActive(tenant: TenantRecord): void {
  if (tenant.status === 'deleted') throw new TenancyError('TENANT_NOT_FOUND', 'No such tenant.');
  if (tenant.status !== 'active') {
    throw new TenancyError('TENANT_SUSPENDED', 'This tenant is suspended; nothing can be done in it until resumed.');
  }
}
