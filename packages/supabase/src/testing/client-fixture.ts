// Test support for the client half: a core tenancy that verifies tokens with the project secret (as an app on
// Supabase would), two tenants, and helpers that resolve a real Request carrying a real signed token.
import type { ResolvedRequest, Tenancy } from '@tenancy/core';
import { createMemoryTenantStore, createTenancy, fromSubdomain } from '@tenancy/core';
import { baseClaims, JWT_SECRET, signToken } from './supabase-tokens.js';

export const ACME = '00000000-0000-4000-8000-00000000000a';
export const GLOBEX = '00000000-0000-4000-8000-00000000000b';
export const USER = '10000000-0000-4000-8000-000000000001';
export const OTHER_USER = '10000000-0000-4000-8000-000000000002';
/** A project anon key as Supabase issues them (a JWT with role anon). */
export const ANON_KEY = signToken({ iss: 'supabase', role: 'anon', iat: 1700000000, exp: 4000000000 });
/** A project service-role key (a JWT with role service_role). */
export const SERVICE_ROLE_KEY = signToken({ iss: 'supabase', role: 'service_role', iat: 1700000000, exp: 4000000000 });

/** A tenancy resolving tenants by subdomain of example.com, with USER a member of both tenants. */
export function clientTenancy(): Tenancy {
  return createTenancy({
    store: createMemoryTenantStore({
      tenants: [
        { id: ACME, slug: 'acme', name: 'Acme', status: 'active' },
        { id: GLOBEX, slug: 'globex', name: 'Globex', status: 'active' },
      ],
      memberships: [
        { tenantId: ACME, userId: USER, roles: ['admin'] },
        { tenantId: GLOBEX, userId: USER, roles: ['member'] },
        { tenantId: ACME, userId: OTHER_USER, roles: ['member'] },
      ],
    }),
    strategies: [fromSubdomain({ baseDomain: 'example.com' })],
    identity: { secret: JWT_SECRET, audience: 'authenticated' },
    cache: false,
  });
}

/** A token for `userId` whose active tenant (app_metadata.tenant_id, as the hook writes it) is `tenantId`. */
export function tokenFor(
  userId: string,
  tenantId: string | undefined,
  overrides: Record<string, unknown> = {},
): string {
  const app = tenantId === undefined ? { provider: 'email' } : { provider: 'email', tenant_id: tenantId };
  return signToken(baseClaims(userId, { app_metadata: app, ...overrides }));
}

/** Resolves a request to `https://<slug>.example.com/` carrying `token`, through core. */
export function resolveFor(tenancy: Tenancy, slug: string, token: string | undefined): Promise<ResolvedRequest> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return tenancy.resolve(new Request(`https://${slug}.example.com/projects`, { headers }));
}
