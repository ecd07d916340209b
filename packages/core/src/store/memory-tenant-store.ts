import { TenancyError } from '../errors/tenancy-error.js';
import type { Membership } from '../model/membership.js';
import type { TenantRecord, TenantStatus } from '../model/tenant.js';
import type { TenantStore } from '../model/tenant-store.js';

/** A custom domain pointing at a tenant, as handed to {@link createMemoryTenantStore}. */
export interface MemoryTenantDomain {
  readonly domain: string;
  readonly tenantId: string;
}

/** Options for {@link createMemoryTenantStore}: the initial data, copied in. */
export interface MemoryTenantStoreOptions {
  readonly tenants?: readonly TenantRecord[] | undefined;
  readonly memberships?: readonly Membership[] | undefined;
  readonly domains?: readonly MemoryTenantDomain[] | undefined;
}

/** The fields of a tenant that {@link MemoryTenantStore.updateTenant} may change; the id never changes. */
export type TenantRecordUpdate = Partial<Omit<TenantRecord, 'id'>>;

/**
 * A {@link TenantStore} held in memory, with the mutations a test needs (suspend a tenant, drop a membership).
 * Mutations do not reach a cache wrapped around the store: call its `invalidateTenant()` as a real deployment would.
 */
export interface MemoryTenantStore extends TenantStore {
  /** Adds a tenant; `CONFLICT` when its id or slug is taken. */
  addTenant(tenant: TenantRecord): void;
  /** Changes fields of a tenant and returns the new record; `TENANT_NOT_FOUND`, or `CONFLICT` for a taken slug. */
  updateTenant(id: string, update: TenantRecordUpdate): TenantRecord;
  /** Suspends, deletes (soft) or reactivates a tenant. */
  setStatus(id: string, status: TenantStatus): void;
  /** Removes a tenant with its domains and memberships, as a hard erase would. Returns whether it existed. */
  removeTenant(id: string): boolean;
  /** Adds a membership; `TENANT_NOT_FOUND` for an unknown tenant, `CONFLICT` when the user is already a member. */
  addMembership(membership: Membership): void;
  /** Removes a membership. Returns whether it existed. */
  removeMembership(tenantId: string, userId: string): boolean;
  /** Points a custom domain at a tenant. The domain is stored lowercase without a trailing dot. */
  addDomain(domain: string, tenantId: string): void;
  /** Removes a custom domain. Returns whether it existed. */
  removeDomain(domain: string): boolean;
}

const STATUSES: ReadonlySet<string> = new Set<TenantStatus>(['active', 'suspended', 'deleted']);

/**
 * Creates an in-memory tenant store for tests and examples. Data is copied in and out, so neither the initial
 * arrays nor returned records can change what the store holds.
 * @example
 * const store = createMemoryTenantStore({
 *   tenants: [{ id: 'c0a8012e-0000-4000-8000-000000000001', slug: 'acme', name: 'Acme', status: 'active' }],
 *   memberships: [{ tenantId: 'c0a8012e-0000-4000-8000-000000000001', userId: 'user_1', roles: ['owner'] }],
 *   domains: [{ domain: 'acme.test', tenantId: 'c0a8012e-0000-4000-8000-000000000001' }],
 * });
 * store.setStatus('c0a8012e-0000-4000-8000-000000000001', 'suspended');
 * @see https://github.com/tenancy/tenancy/blob/main/docs/tenant-store.md#memory-store
 */
export function createMemoryTenantStore(options: MemoryTenantStoreOptions = {}): MemoryTenantStore {
  const tenants = new Map<string, TenantRecord>();
  const idBySlug = new Map<string, string>();
  const idByDomain = new Map<string, string>();
  const memberships = new Map<string, Membership>();

  const requireTenant = (id: string): TenantRecord => {
    const tenant = tenants.get(id);
    if (tenant === undefined) throw new TenancyError('TENANT_NOT_FOUND', `No tenant with id "${id}" in this store.`);
    return tenant;
  };

  const store: MemoryTenantStore = {
    async findById(id) {
      return copyOrNull(tenants.get(id));
    },
    async findBySlug(slug) {
      const id = idBySlug.get(slug);
      return id === undefined ? null : copyOrNull(tenants.get(id));
    },
    async findByDomain(domain) {
      const id = idByDomain.get(domain);
      return id === undefined ? null : copyOrNull(tenants.get(id));
    },
    async getMembership(tenantId, userId) {
      return copyOrNull(memberships.get(membershipKey(tenantId, userId)));
    },
    async listMemberships(userId) {
      const result: Membership[] = [];
      for (const membership of memberships.values()) {
        if (membership.userId === userId) result.push(structuredClone(membership));
      }
      return result;
    },

    addTenant(tenant) {
      checkTenant(tenant);
      if (tenants.has(tenant.id)) throw new TenancyError('CONFLICT', `A tenant with id "${tenant.id}" exists.`);
      if (idBySlug.has(tenant.slug)) throw new TenancyError('CONFLICT', `The slug "${tenant.slug}" is taken.`);
      tenants.set(tenant.id, structuredClone(tenant));
      idBySlug.set(tenant.slug, tenant.id);
    },
    updateTenant(id, update) {
      const current = requireTenant(id);
      const next: TenantRecord = { ...current, ...structuredClone(update), id };
      checkTenant(next);
      if (next.slug !== current.slug) {
        if (idBySlug.has(next.slug)) throw new TenancyError('CONFLICT', `The slug "${next.slug}" is taken.`);
        idBySlug.delete(current.slug);
        idBySlug.set(next.slug, id);
      }
      tenants.set(id, next);
      return structuredClone(next);
    },
    setStatus(id, status) {
      store.updateTenant(id, { status });
    },
    removeTenant(id) {
      const tenant = tenants.get(id);
      if (tenant === undefined) return false;
      tenants.delete(id);
      idBySlug.delete(tenant.slug);
      for (const [domain, tenantId] of idByDomain) if (tenantId === id) idByDomain.delete(domain);
      for (const [key, membership] of memberships) if (membership.tenantId === id) memberships.delete(key);
      return true;
    },
    addMembership(membership) {
      requireTenant(membership.tenantId);
      if (membership.userId.length === 0) throw new TenancyError('INVALID_INPUT', 'A membership needs a userId.');
      const key = membershipKey(membership.tenantId, membership.userId);
      if (memberships.has(key)) {
        throw new TenancyError('CONFLICT', `User "${membership.userId}" is already a member of this tenant.`);
      }
      memberships.set(key, structuredClone(membership));
    },
    removeMembership(tenantId, userId) {
      return memberships.delete(membershipKey(tenantId, userId));
    },
    addDomain(domain, tenantId) {
      requireTenant(tenantId);
      const normalized = normalizeDomain(domain);
      if (idByDomain.has(normalized)) throw new TenancyError('CONFLICT', `The domain "${normalized}" is taken.`);
      idByDomain.set(normalized, tenantId);
    },
    removeDomain(domain) {
      return idByDomain.delete(normalizeDomain(domain));
    },
  };

  for (const tenant of options.tenants ?? []) store.addTenant(tenant);
  for (const { domain, tenantId } of options.domains ?? []) store.addDomain(domain, tenantId);
  for (const membership of options.memberships ?? []) store.addMembership(membership);
  return store;
}

// NUL cannot occur in a validated identifier, so the pair maps to exactly one key.
function membershipKey(tenantId: string, userId: string): string {
  return `${tenantId}\u0000${userId}`;
}

function normalizeDomain(domain: string): string {
  const lower = domain.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function copyOrNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : structuredClone(value);
}

function checkTenant(tenant: TenantRecord): void {
  if (typeof tenant.id !== 'string' || tenant.id.length === 0) {
    throw new TenancyError('INVALID_INPUT', 'A tenant needs a non-empty id.');
  }
  if (typeof tenant.slug !== 'string' || tenant.slug.length === 0) {
    throw new TenancyError('INVALID_INPUT', 'A tenant needs a non-empty slug.');
  }
  if (!STATUSES.has(tenant.status)) {
    throw new TenancyError('INVALID_INPUT', 'A tenant status is one of "active", "suspended", "deleted".');
  }
}
