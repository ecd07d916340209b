import type { Tenancy } from '@tenancy/core';
import { headers } from 'next/headers.js';
import type { TenancyServer, TenancyServerOptions } from './tenancy-server.js';
import { createTenancyServerWith } from './tenancy-server.js';

/**
 * Creates the server helpers for server components, server actions and route handlers. They re-resolve every request
 * through core (membership, tenant status) from its headers instead of trusting what the proxy forwarded, so a request
 * that bypasses the proxy (CVE-2025-29927) still gets no tenant data it may not see.
 * @example
 * // lib/tenancy-server.ts
 * import { createTenancyServer } from '@tenancy/next/server';
 * export const { getTenantContext, requireTenantContext, runInTenant, withTenant, getTenantSwitcherData } =
 *   createTenancyServer(tenancy, { tenantUrl: (t) => `https://${t.slug}.example.com` });
 *
 * // app/t/[tenant]/page.tsx
 * export default async function Page() {
 *   const { tenant } = await requireTenantContext();
 *   return <h1>{tenant.name}</h1>;
 * }
 * @see https://github.com/tenancy/tenancy/blob/main/docs/next.md#server-components-actions-and-route-handlers
 */
export function createTenancyServer<TPermission extends string>(
  tenancy: Tenancy<TPermission>,
  options: TenancyServerOptions = {},
): TenancyServer<TPermission> {
  // `headers()` returns Next's read-only headers, a `Headers` in all but the mutating methods we never call.
  return createTenancyServerWith(tenancy, options, async () => (await headers()) as unknown as Headers);
}
