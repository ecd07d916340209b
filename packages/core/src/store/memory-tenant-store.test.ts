import { describe, expect, it } from 'vitest';
import { isTenancyError } from '../errors/tenancy-error.js';
import type { TenantRecord } from '../model/tenant.js';
import { createMemoryTenantStore } from './memory-tenant-store.js';

const ACME = 'a0000000-0000-4000-8000-000000000001';
const GLOBEX = 'a0000000-0000-4000-8000-000000000002';

const acme: TenantRecord = { id: ACME, slug: 'acme', name: 'Acme', status: 'active', settings: { theme: 'red' } };
const globex: TenantRecord = { id: GLOBEX, slug: 'globex', name: 'Globex', status: 'active' };

function seed() {
  return createMemoryTenantStore({
    tenants: [acme, globex],
    memberships: [
      { tenantId: ACME, userId: 'u1', roles: ['owner'] },
      { tenantId: GLOBEX, userId: 'u1', roles: ['viewer'] },
      { tenantId: ACME, userId: 'u2', roles: ['member'], workspaces: [{ workspaceId: 'w1', roles: ['admin'] }] },
    ],
    domains: [{ domain: 'Acme.Test.', tenantId: ACME }],
  });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isTenancyError(error) ? error.code : 'not a TenancyError';
  }
  return undefined;
}

describe('createMemoryTenantStore', () => {
  it('finds a tenant by id, slug and normalized domain, and null for unknown ones', async () => {
    const store = seed();
    expect(await store.findById(ACME)).toEqual(acme);
    expect(await store.findBySlug('globex')).toEqual(globex);
    expect(await store.findByDomain('acme.test')).toEqual(acme);
    expect(await store.findById('a0000000-0000-4000-8000-00000000ffff')).toBeNull();
    expect(await store.findBySlug('nope')).toBeNull();
    expect(await store.findByDomain('nope.test')).toBeNull();
  });

  it('returns memberships of one tenant and lists every membership of a user', async () => {
    const store = seed();
    expect(await store.getMembership(ACME, 'u2')).toEqual({
      tenantId: ACME,
      userId: 'u2',
      roles: ['member'],
      workspaces: [{ workspaceId: 'w1', roles: ['admin'] }],
    });
    expect(await store.getMembership(GLOBEX, 'u2')).toBeNull();
    expect(await store.listMemberships('u1')).toEqual([
      { tenantId: ACME, userId: 'u1', roles: ['owner'] },
      { tenantId: GLOBEX, userId: 'u1', roles: ['viewer'] },
    ]);
    expect(await store.listMemberships('nobody')).toEqual([]);
  });

  it('copies data in: changing the seed objects afterwards does not change the store', async () => {
    const seedTenant = { id: ACME, slug: 'acme', name: 'Acme', status: 'active' as const, settings: { n: 1 } };
    const store = createMemoryTenantStore({ tenants: [seedTenant] });
    seedTenant.settings.n = 2;
    (seedTenant as { status: string }).status = 'suspended';
    expect(await store.findById(ACME)).toEqual({
      id: ACME,
      slug: 'acme',
      name: 'Acme',
      status: 'active',
      settings: { n: 1 },
    });
  });

  it('copies data out: mutating a returned record or membership does not change the store', async () => {
    const store = seed();
    const record = (await store.findById(ACME)) as unknown as { status: string; settings: { theme: string } };
    record.status = 'deleted';
    record.settings.theme = 'blue';
    const membership = (await store.getMembership(ACME, 'u1')) as unknown as { roles: string[] };
    membership.roles.push('admin');
    expect(await store.findById(ACME)).toEqual(acme);
    expect((await store.getMembership(ACME, 'u1'))?.roles).toEqual(['owner']);
  });

  it('suspends and reactivates a tenant with setStatus', async () => {
    const store = seed();
    store.setStatus(ACME, 'suspended');
    expect((await store.findBySlug('acme'))?.status).toBe('suspended');
    expect((await store.findByDomain('acme.test'))?.status).toBe('suspended');
    store.setStatus(ACME, 'active');
    expect((await store.findById(ACME))?.status).toBe('active');
  });

  it('moves the slug index when a tenant is renamed, and refuses a taken slug with CONFLICT', async () => {
    const store = seed();
    expect(store.updateTenant(ACME, { slug: 'acme-inc', name: 'Acme Inc' })).toEqual({
      ...acme,
      slug: 'acme-inc',
      name: 'Acme Inc',
    });
    expect(await store.findBySlug('acme')).toBeNull();
    expect((await store.findBySlug('acme-inc'))?.id).toBe(ACME);
    expect(codeOf(() => store.updateTenant(ACME, { slug: 'globex' }))).toBe('CONFLICT');
    expect((await store.findBySlug('globex'))?.id).toBe(GLOBEX);
  });

  it('refuses duplicate ids, slugs, domains and memberships with CONFLICT', () => {
    const store = seed();
    expect(codeOf(() => store.addTenant({ ...globex, slug: 'other' }))).toBe('CONFLICT');
    expect(codeOf(() => store.addTenant({ ...globex, id: 'x' }))).toBe('CONFLICT');
    expect(codeOf(() => store.addDomain('ACME.test', GLOBEX))).toBe('CONFLICT');
    expect(codeOf(() => store.addMembership({ tenantId: ACME, userId: 'u1', roles: [] }))).toBe('CONFLICT');
  });

  it('refuses mutations that name an unknown tenant with TENANT_NOT_FOUND', () => {
    const store = seed();
    expect(codeOf(() => store.setStatus('missing', 'suspended'))).toBe('TENANT_NOT_FOUND');
    expect(codeOf(() => store.addMembership({ tenantId: 'missing', userId: 'u1', roles: [] }))).toBe(
      'TENANT_NOT_FOUND',
    );
    expect(codeOf(() => store.addDomain('x.test', 'missing'))).toBe('TENANT_NOT_FOUND');
  });

  it('refuses a tenant without id or slug, or with an unknown status, with INVALID_INPUT', () => {
    const store = seed();
    expect(codeOf(() => store.addTenant({ ...acme, id: '' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => store.addTenant({ ...acme, id: 'n', slug: '' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => store.addTenant({ ...acme, id: 'n', slug: 'n', status: 'paused' as 'active' }))).toBe(
      'INVALID_INPUT',
    );
  });

  it('adds and removes memberships and domains', async () => {
    const store = seed();
    store.addMembership({ tenantId: GLOBEX, userId: 'u2', roles: ['admin'] });
    expect((await store.getMembership(GLOBEX, 'u2'))?.roles).toEqual(['admin']);
    expect(store.removeMembership(GLOBEX, 'u2')).toBe(true);
    expect(store.removeMembership(GLOBEX, 'u2')).toBe(false);
    expect(await store.getMembership(GLOBEX, 'u2')).toBeNull();

    store.addDomain('globex.test', GLOBEX);
    expect((await store.findByDomain('globex.test'))?.id).toBe(GLOBEX);
    expect(store.removeDomain('GLOBEX.test.')).toBe(true);
    expect(await store.findByDomain('globex.test')).toBeNull();
  });

  it('removes a tenant with its slug, domains and memberships', async () => {
    const store = seed();
    expect(store.removeTenant(ACME)).toBe(true);
    expect(store.removeTenant(ACME)).toBe(false);
    expect(await store.findById(ACME)).toBeNull();
    expect(await store.findBySlug('acme')).toBeNull();
    expect(await store.findByDomain('acme.test')).toBeNull();
    expect(await store.getMembership(ACME, 'u1')).toBeNull();
    expect(await store.listMemberships('u1')).toEqual([{ tenantId: GLOBEX, userId: 'u1', roles: ['viewer'] }]);
  });
});
