// The tenant store area's exports, for the package entry.
export type {
  InvalidationTarget,
  ListenForTenantInvalidationsOptions,
  TenantInvalidationListener,
} from './listen-for-invalidations.js';
export {
  listenForTenantInvalidations,
  notifyTenantChanged,
  TENANT_INVALIDATION_CHANNEL,
} from './listen-for-invalidations.js';
export type { PostgresTenantStore, PostgresTenantStoreOptions } from './postgres-tenant-store.js';
export { createPostgresTenantStore } from './postgres-tenant-store.js';
export type { PostgresTenantRecord, UncachedPostgresTenantStoreOptions } from './uncached-postgres-tenant-store.js';
export { createUncachedPostgresTenantStore } from './uncached-postgres-tenant-store.js';
