export type {
  TenancyProxy,
  TenancyProxyCallOptions,
  TenancyProxyOptions,
  TenancyRewriteInput,
} from './proxy/create-tenancy-proxy.js';
export { createTenancyProxy } from './proxy/create-tenancy-proxy.js';
