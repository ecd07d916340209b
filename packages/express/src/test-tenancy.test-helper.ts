// Test support only (not exported): a real tenancy from core (memory store, HS256 identity, compiled permissions),
// so the adapter tests run end to end through core exactly as an app would.
import type { Tenancy, TenantRecord } from '@tenancy/core';
import { createMemoryTenantStore, createTenancy, definePermissions, fromHeader, fromSubdomain } from '@tenancy/core';
import { SignJWT } from 'jose';

export const BASE_DOMAIN = 'example.test';
const SECRET = new TextEncoder().encode('adapter-tests-hs256-secret-at-least-32-bytes');

export const ACME: TenantRecord = {
  id: '00000000-0000-4000-8000-00000000000a',
  slug: 'acme',
  name: 'Acme',
  status: 'active',
};
export const GLOBEX: TenantRecord = {
  id: '00000000-0000-4000-8000-00000000000b',
  slug: 'globex',
  name: 'Globex',
  status: 'active',
};
export const INITECH: TenantRecord = {
  id: '00000000-0000-4000-8000-00000000000c',
  slug: 'initech',
  name: 'Initech',
  status: 'suspended',
};

const permissions = definePermissions({
  resources: { project: ['read', 'write'], billing: ['read'] },
  roles: {
    viewer: { allow: ['project:read'] },
    admin: { inherits: ['viewer'], allow: ['project:write', 'billing:read'] },
  },
});

export type TestPermission = 'project:read' | 'project:write' | 'billing:read';

export interface TestTenancy {
  readonly tenancy: Tenancy<TestPermission>;
  /** A real HS256 JWT for `userId`, valid for an hour. */
  tokenFor(userId: string): Promise<string>;
}

export async function createTestTenancy(): Promise<TestTenancy> {
  const store = createMemoryTenantStore({
    tenants: [ACME, GLOBEX, INITECH],
    memberships: [
      { tenantId: ACME.id, userId: 'alice', roles: ['admin'] },
      { tenantId: ACME.id, userId: 'victor', roles: ['viewer'], workspaces: [{ workspaceId: 'w1', roles: ['admin'] }] },
      { tenantId: GLOBEX.id, userId: 'bob', roles: ['admin'] },
      { tenantId: INITECH.id, userId: 'alice', roles: ['admin'] },
    ],
  });
  const tenancy = createTenancy({
    store,
    strategies: [fromSubdomain({ baseDomain: BASE_DOMAIN }), fromHeader({ name: 'x-tenant-slug', kind: 'slug' })],
    identity: { secret: SECRET },
    permissions,
  });
  return {
    tenancy,
    tokenFor: (userId) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(SECRET),
  };
}
