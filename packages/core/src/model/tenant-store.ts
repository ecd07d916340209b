import type { Membership } from './membership.js';
import type { TenantRecord } from './tenant.js';

/**
 * Where tenants and memberships come from. Implementations: `createMemoryTenantStore` (tests, examples),
 * `createPostgresTenantStore` (@tenancy/postgres). Wrap any store with `createCachedTenantStore`.
 * Lookups return `null` for "no such tenant"; they throw only for real failures.
 * Identifiers reaching a store have already been validated by core.
 */
export interface TenantStore {
  findById(id: string): Promise<TenantRecord | null>;
  findBySlug(slug: string): Promise<TenantRecord | null>;
  /** `domain` is a normalized ASCII host name (lowercase, no port, no trailing dot). */
  findByDomain(domain: string): Promise<TenantRecord | null>;
  getMembership(tenantId: string, userId: string): Promise<Membership | null>;
  /** Every membership of a user, for tenant switchers. */
  listMemberships(userId: string): Promise<readonly Membership[]>;
}
