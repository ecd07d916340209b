import { ident } from '../classify.js';
import type { Rule } from '../types.js';

/** The role the application logs in with is a superuser or has BYPASSRLS. */
export const loginRoleBypassesRls: Rule = {
  id: 'login-role-bypasses-rls',
  severity: 'warning',
  description:
    "The login role (the one the linter connects as, or `loginRole`) is a superuser or has BYPASSRLS. Expected when CI or tests connect as a superuser; the application's runtime login must not be.",
  why: 'Tenant units of work switch to the app role, so row level security applies to them. Anything that runs before the switch or outside the tenant-scoped wrapper (a forgotten raw query, a job) runs as the login role and sees every tenant. A non-privileged login role makes such mistakes fail instead of leak.',
  fix: 'Log in with a role that is NOSUPERUSER NOBYPASSRLS NOINHERIT and has been granted the app and platform roles (grant tenancy_app, tenancy_platform to <login role>).',
  run(catalog) {
    const role = catalog.loginRole;
    if (!role || (!role.superuser && !role.bypassRls)) return [];
    const what = [role.superuser && 'a superuser', role.bypassRls && 'BYPASSRLS'].filter(Boolean).join(' and ');
    const checking =
      role.name === catalog.currentUser ? ' (the role this check connected as; expected in CI and tests)' : '';
    return [
      {
        object: role.name,
        message: `The login role ${role.name}${checking} is ${what}.`,
        fix: `alter role ${ident(role.name)} nosuperuser nobypassrls; or log in with another role that is neither.`,
      },
    ];
  },
};
