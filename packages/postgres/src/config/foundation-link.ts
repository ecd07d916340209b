import type { TableInput } from './config-types.js';

// The foundation schema is F's (src/foundation/). Until its classification lands, this mirrors the four tables the
// contract names for `tenancy.has_permission()`, so the generator can be built and tested against them.
/** Classification of the foundation tables, keyed by table name inside the helper schema. */
export const foundationTableInputs: Readonly<Record<string, TableInput>> = {
  memberships: { scope: 'tenant' },
  role_permissions: { scope: 'tenant' },
  roles: { scope: 'tenant' },
  workspace_memberships: { scope: 'tenant' },
};
