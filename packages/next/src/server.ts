export { createTenancyServer } from './server/create-tenancy-server.js';
export type {
  TenancyServer,
  TenancyServerOptions,
  TenantScopedRequest,
  WithTenantContext,
  WithTenantOptions,
} from './server/tenancy-server.js';
