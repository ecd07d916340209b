// The tenancy config of this example: read by the app (src/lib/config.ts), by its database setup and by the
// `tenancy` CLI (`pnpm exec tenancy check` in this folder). Role names come from the environment so that tests can
// use roles of their own: roles are cluster-wide, and parallel test databases must not share them.
import { defineTenancyConfig } from '@tenancy/postgres';

export default defineTenancyConfig({
  foundation: true,
  roles: {
    app: process.env['TENANCY_APP_ROLE'] ?? 'tenancy_app',
    platform: process.env['TENANCY_PLATFORM_ROLE'] ?? 'tenancy_platform',
  },
  tables: {
    projects: { scope: 'tenant' },
    credentials: {
      scope: 'ignore',
      reason:
        'Password hashes, global to the platform: no privileges for the app role; RLS forced with a platform-only ' +
        'policy (src/lib/database-schema.ts). Sign-in reads them through the platform role.',
    },
  },
});
