import { createMemoryTenantStore, createTenancy, definePermissions, fromSubdomain } from '@tenancy/core';
import { BASE_DOMAIN, MEMBERSHIPS, TENANTS, TOKEN_SECRET } from './fixtures';

const permissions = definePermissions({
  resources: { project: ['read', 'write'] },
  roles: { admin: { allow: ['project:*'] } },
});

export const tenancy = createTenancy({
  store: createMemoryTenantStore({ tenants: TENANTS, memberships: MEMBERSHIPS }),
  strategies: [fromSubdomain({ baseDomain: BASE_DOMAIN })],
  identity: { secret: TOKEN_SECRET },
  permissions,
});
