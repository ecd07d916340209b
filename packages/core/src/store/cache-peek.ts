import type { Membership } from '../model/membership.js';
import type { TenantRecord } from '../model/tenant.js';

// A cached store answers most lookups from memory, yet its TenantStore methods must return promises, and every promise
// and every await costs on the request path (more so once AsyncLocalStorage's promise hooks run). The cached store
// also offers its answers synchronously under this key, so resolution can skip the promise when the entry is cached.
// `Symbol.for`, so a store from another copy of this package is recognized too; `v1`, so a copy with another shape of
// this internal interface is not.
const CACHE_PEEK = Symbol.for('tenancy.cachedTenantStore.peek.v1');

/** The synchronous side of a cached store: the cached answer, or `undefined` when only the store can answer. */
export interface CachePeek {
  tenant(kind: 'id' | 'slug' | 'domain', value: string): TenantRecord | null | undefined;
  membership(tenantId: string, userId: string): Membership | null | undefined;
}

/** Adds `peek` to a store object under the internal key. */
export function withCachePeek<T extends object>(store: T, peek: CachePeek): T {
  return Object.assign(store, { [CACHE_PEEK]: peek });
}

/** The peek of a cached store, or `undefined` for any other store. */
export function cachePeekOf(store: object): CachePeek | undefined {
  return (store as { [CACHE_PEEK]?: CachePeek })[CACHE_PEEK];
}
