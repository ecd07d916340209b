export { TENANCY_ERROR_CODES, httpStatusOf } from './errors/codes.js';
export type { TenancyErrorCode } from './errors/codes.js';
export { TenancyError, isTenancyError } from './errors/tenancy-error.js';
export type { TenancyErrorOptions } from './errors/tenancy-error.js';

export {
  bindTenantContext,
  getTenant,
  requireTenant,
  runWithTenant,
  withoutTenant,
} from './context/run-with-tenant.js';
export { parseTenantJobPayload, runWithTenantJob, toTenantJobPayload } from './context/job-payload.js';
export type { RunWithTenantJobOptions, TenantJobPayload } from './context/job-payload.js';
export type { TenantContext } from './context/tenant-context.js';

export type { Membership, WorkspaceMembership } from './model/membership.js';
export type { Principal } from './model/principal.js';
export type { TenantRecord, TenantStatus } from './model/tenant.js';
export type { TenantStore } from './model/tenant-store.js';
