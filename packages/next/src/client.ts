export type { TenantProviderProps } from './client/tenant-provider.js';
export { TenantProvider, useTenant } from './client/tenant-provider.js';
