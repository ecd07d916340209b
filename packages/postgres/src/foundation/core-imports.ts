// The @tenancy/core APIs the foundation, store, lifecycle and GDPR modules use that core's entry does not export yet.
// One file, so switching to `from '@tenancy/core'` is one edit once they are exported.
export type { AuditEvent, AuditEventMap, AuditEventType } from '../../../core/src/audit/audit-event.js';
export type { AuditErrorHandler, AuditSink } from '../../../core/src/audit/audit-sink.js';
export { emitAuditEvent } from '../../../core/src/audit/audit-sink.js';
export { createAuditEvent } from '../../../core/src/audit/create-audit-event.js';
export { isIpHost, normalizeHost } from '../../../core/src/resolve/normalize-host.js';
export { parseSlug } from '../../../core/src/resolve/parse-slug.js';
export { parseTenantId } from '../../../core/src/resolve/parse-tenant-id.js';
export type {
  CachedTenantStore,
  CachedTenantStoreOptions,
} from '../../../core/src/store/cached-tenant-store.js';
export { createCachedTenantStore } from '../../../core/src/store/cached-tenant-store.js';
