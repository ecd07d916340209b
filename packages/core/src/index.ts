export type { RunWithTenantJobOptions, TenantJobPayload } from './context/job-payload.js';
export { parseTenantJobPayload, runWithTenantJob, toTenantJobPayload } from './context/job-payload.js';
export {
  bindTenantContext,
  getTenant,
  requireTenant,
  runWithTenant,
  withoutTenant,
} from './context/run-with-tenant.js';
export type { TenantContext } from './context/tenant-context.js';
export type { TenancyErrorCode } from './errors/codes.js';
export { httpStatusOf, TENANCY_ERROR_CODES } from './errors/codes.js';
export type { TenancyErrorOptions } from './errors/tenancy-error.js';
export { isTenancyError, TenancyError } from './errors/tenancy-error.js';

export type { Membership, WorkspaceMembership } from './model/membership.js';
export type { Principal } from './model/principal.js';
export type { TenantRecord, TenantStatus } from './model/tenant.js';
export type { TenantStore } from './model/tenant-store.js';
