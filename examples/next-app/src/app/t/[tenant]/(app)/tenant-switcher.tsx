'use client';

import { useTenant } from '@tenancy/next/client';

/**
 * The user's tenants, from the serializable props the layout passed to TenantProvider. Each link goes through
 * `/switch/<slug>`, which hands the session to that tenant's subdomain.
 */
export function TenantSwitcher() {
  const { current, tenants } = useTenant();
  if (tenants.length < 2) return null;
  return (
    <nav className="switcher" aria-label="Switch tenant" data-testid="tenant-switcher">
      {tenants.map((tenant) =>
        tenant.id === current?.id ? (
          <span key={tenant.id} aria-current="page">
            {tenant.name}
          </span>
        ) : (
          <a key={tenant.id} href={tenant.url ?? '#'}>
            {tenant.name}
          </a>
        ),
      )}
    </nav>
  );
}
