import { twinOf, withTwin } from '../method-twin.js';
import type { Membership } from '../model/membership.js';
import type { TenantRecord } from '../model/tenant.js';

// A cached store answers most lookups from memory, yet its TenantStore methods must return promises, and every promise
// and every await costs on the request path (more so once AsyncLocalStorage's promise hooks run). So each lookup method
// of the cached store carries, under this key, a synchronous twin that answers from the cache alone (see
// method-twin.ts).
const PEEK = Symbol.for('tenancy.cachedTenantStore.peek.v1');

/** The cached tenant a lookup would answer (`null` for a cached "not found"), or `undefined` when only it can tell. */
export type TenantPeek = (value: string) => TenantRecord | null | undefined;
/** The cached membership `getMembership` would answer, or `undefined` when only it can tell. */
export type MembershipPeek = (tenantId: string, userId: string) => Membership | null | undefined;

/** Gives the lookup method `method` its synchronous twin. */
export function withPeek<M extends object, P extends TenantPeek | MembershipPeek>(method: M, peek: P): M {
  return withTwin(method, PEEK, peek);
}

/** The synchronous twin of a lookup method, or `undefined` for a method of any other store. */
export function peekOf<P extends TenantPeek | MembershipPeek>(method: unknown): P | undefined {
  return twinOf<P>(method, PEEK);
}
