import type { Tenancy } from '@tenancy/core';
import type { AppPermission } from './permissions.js';

// Types requirePermission() and req.tenancy with this app's permission names: a typo is a compile error.
declare module '@tenancy/express' {
  interface Register {
    tenancy: Tenancy<AppPermission>;
  }
}
