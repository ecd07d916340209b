import { getTenant } from '@tenancy/core';
import { withTenant } from '../../../../../lib/tenancy-server';

export const GET = withTenant(
  async (_request, { tenancy }) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return Response.json({ tenantId: getTenant()?.tenantId ?? null, slug: tenancy.tenant?.slug ?? null });
  },
  { permission: 'project:read' },
);
