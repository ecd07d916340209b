// The test app's data: two active tenants and their members. Shared with the test that signs tokens for them.
import type { Membership, TenantRecord } from '@tenancy/core';

export const BASE_DOMAIN = 'example.test';
/** HS256 secret the app verifies tokens with; the test signs with it. Test-only, never a real secret. */
export const TOKEN_SECRET = 'next-test-app-hs256-secret-at-least-32-bytes';

export const TENANTS: readonly TenantRecord[] = [
  { id: '00000000-0000-4000-8000-00000000000a', slug: 'acme', name: 'Acme', status: 'active' },
  { id: '00000000-0000-4000-8000-00000000000b', slug: 'globex', name: 'Globex', status: 'active' },
];

export const MEMBERSHIPS: readonly Membership[] = [
  { tenantId: '00000000-0000-4000-8000-00000000000a', userId: 'alice', roles: ['admin'] },
  { tenantId: '00000000-0000-4000-8000-00000000000b', userId: 'bob', roles: ['admin'] },
];
