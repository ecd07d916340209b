// Shared fixtures for the resolve tests. Not a test file itself (vitest runs *.test.ts only) and not exported by the
// package.

import type { TenancyError } from '../errors/tenancy-error.js';
import { isTenancyError } from '../errors/tenancy-error.js';
import type { TenantRecord } from '../model/tenant.js';
import type { TenantStore } from '../model/tenant-store.js';
import type { MemoryTenantStore } from '../store/memory-tenant-store.js';
import { createMemoryTenantStore } from '../store/memory-tenant-store.js';

export const ACME: TenantRecord = {
  id: '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4a5b',
  slug: 'acme',
  name: 'Acme',
  status: 'active',
};
export const GLOBEX: TenantRecord = {
  id: '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4a5c',
  slug: 'globex',
  name: 'Globex Secret Project',
  status: 'active',
};
export const INITECH: TenantRecord = {
  id: '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4a5d',
  slug: 'initech',
  name: 'Initech',
  status: 'suspended',
};
export const HOOLI: TenantRecord = {
  id: '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4a5e',
  slug: 'hooli',
  name: 'Hooli',
  status: 'deleted',
};
/** An id no tenant has. */
export const UNKNOWN_ID = '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4a5f';

/** A memory store with the fixtures, wrapped so tests can assert exactly which lookups reached it. */
export function countingStore(): { store: TenantStore; calls: string[]; memory: MemoryTenantStore } {
  const inner = createMemoryTenantStore({
    tenants: [ACME, GLOBEX, INITECH, HOOLI],
    domains: [
      { domain: 'acme.com', tenantId: ACME.id },
      { domain: 'www.acme.com', tenantId: ACME.id },
      { domain: 'globex.io', tenantId: GLOBEX.id },
      { domain: 'initech.net', tenantId: INITECH.id },
      { domain: 'hooli.xyz', tenantId: HOOLI.id },
    ],
  });
  const calls: string[] = [];
  const store: TenantStore = {
    findById: (id) => {
      calls.push(`id:${id}`);
      return inner.findById(id);
    },
    findBySlug: (slug) => {
      calls.push(`slug:${slug}`);
      return inner.findBySlug(slug);
    },
    findByDomain: (domain) => {
      calls.push(`domain:${domain}`);
      return inner.findByDomain(domain);
    },
    getMembership: (tenantId, userId) => inner.getMembership(tenantId, userId),
    listMemberships: (userId) => inner.listMemberships(userId),
  };
  return { store, calls, memory: inner };
}

/** The TenancyError a promise rejects with (fails the test when it resolves or rejects with something else). */
export async function rejection(promise: Promise<unknown>): Promise<TenancyError> {
  try {
    await promise;
  } catch (error) {
    if (isTenancyError(error)) return error;
    throw error;
  }
  throw new Error('expected a TenancyError, the promise resolved');
}

/** The TenancyError a function throws. */
export function thrown(fn: () => unknown): TenancyError {
  try {
    fn();
  } catch (error) {
    if (isTenancyError(error)) return error;
    throw error;
  }
  throw new Error('expected a TenancyError, nothing was thrown');
}
