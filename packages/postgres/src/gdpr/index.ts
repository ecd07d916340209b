// The GDPR area's exports, for the package entry.
export type { EraseTenantOptions, ErasureCounts } from './erase-tenant.js';
export { eraseTenant } from './erase-tenant.js';
export type { EraseUserDataOptions, PersonalDataColumn, UserErasureCounts } from './erase-user-data.js';
export { eraseUserData } from './erase-user-data.js';
export type { ExportManifest, ExportProgress, ExportTenantOptions, ExportTrailer } from './export-tenant.js';
export { exportTenant } from './export-tenant.js';
