import { defineTenancyConfig } from '@tenancy/postgres';

// What `tenancy generate/apply/check` read (run them from this folder). The server applies the same config at start.
export default defineTenancyConfig({
  // The foundation: tenants, users, memberships, workspaces, roles, invitations and the audit log, with their policies.
  foundation: true,
  tables: {
    // Tenant-wide: every member of the tenant sees its projects. Writes also need the permission in the database
    // (tenancy.has_permission), a second line behind the app's own requirePermission().
    projects: {
      scope: 'tenant',
      permissions: { insert: 'project:create', update: 'project:update', delete: 'project:delete' },
    },
    // Workspace-scoped: a unit of work sees the tasks of the workspace it runs in, nothing else.
    tasks: {
      scope: 'workspace',
      workspaceColumn: 'workspace_id',
      permissions: { insert: 'task:create', update: 'task:update', delete: 'task:delete' },
    },
    credentials: {
      scope: 'ignore',
      reason:
        'Password hashes: no privileges for the app role at all; only the platform role (sign-up, sign-in, accepting an invitation) reads and writes them, through a policy of its own.',
    },
  },
});
