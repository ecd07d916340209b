export { ORIGINAL_URL_HEADER, TENANT_ID_HEADER } from './shared/forwarded-headers.js';
export type { TenantSummary, TenantSwitcherData } from './shared/tenant-summary.js';
