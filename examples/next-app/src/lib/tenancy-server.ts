import { createTenancyServer } from '@tenancy/next/server';
import { tenancy } from './tenancy';

export const { getTenantContext, requireTenantContext, runInTenant, withTenant, getTenantSwitcherData } =
  createTenancyServer(tenancy, {
    // Links of the tenant switcher go through this host's /switch route, which hands the session over to the
    // tenant's own subdomain (see lib/session.ts, signHandoff).
    tenantUrl: (tenant) => `/switch/${encodeURIComponent(tenant.slug)}`,
  });
