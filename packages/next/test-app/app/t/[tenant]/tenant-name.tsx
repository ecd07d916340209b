'use client';

import { useTenant } from '@tenancy/next/client';

export function TenantName() {
  const { current, tenants } = useTenant();
  return (
    <p id="client">
      client:{current?.slug ?? 'none'}:{tenants.length}
    </p>
  );
}
