import { createTenancyServer } from '@tenancy/next/server';
import { tenancy } from './tenancy';

export const { getTenantContext, requireTenantContext, withTenant, getTenantSwitcherData } = createTenancyServer(
  tenancy,
  { tenantUrl: (tenant) => `http://${tenant.slug}.example.test` },
);
