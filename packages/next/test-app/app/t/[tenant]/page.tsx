import { isTenancyError } from '@tenancy/core';
import { requireTenantContext } from '../../../lib/tenancy-server';

export default async function TenantPage() {
  try {
    const { tenant, context } = await requireTenantContext();
    return (
      <pre id="data">
        {JSON.stringify({ tenant: tenant.slug, user: context.userId, secret: `secret-of-${tenant.slug}` })}
      </pre>
    );
  } catch (error) {
    if (isTenancyError(error)) return <pre id="refused">refused:{error.code}</pre>;
    throw error;
  }
}
