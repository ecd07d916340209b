import { ident } from '../classify.js';
import type { Rule } from '../types.js';

/** The login role holds the platform role's privileges without switching to it (a grant with INHERIT). */
export const loginRoleInheritsPlatform: Rule = {
  id: 'login-role-inherits-platform',
  severity: 'error',
  description:
    'The login role is a member of the platform role with INHERIT, so it has the platform role’s privileges and policies in every statement, not only inside the audited platform path.',
  why: 'Row level security applies a policy to every role that has the privileges of the policy’s role. A login role that inherits the platform role reads across tenants through the platform policies (using (true)) outside any unit of work: a raw query, a job, a script. Tenant tables are then protected only because the app role’s guard happens to apply too; platform-only tables are not protected at all.',
  fix: 'Keep the membership (the wrapper needs SET ROLE) but not the privileges: alter role <login role> noinherit; on PostgreSQL 16+ you can instead grant the role with (inherit false).',
  run(catalog) {
    const platform = catalog.loginInheritsPlatform;
    if (platform === undefined) return [];
    const login = catalog.loginRoleName;
    return [
      {
        object: login,
        message: `The login role ${login} inherits the privileges of the platform role ${platform}.`,
        fix: `alter role ${ident(login)} noinherit; -- or, on PostgreSQL 16+: revoke ${ident(platform)} from ${ident(login)}; grant ${ident(platform)} to ${ident(login)} with inherit false, set true;`,
      },
    ];
  },
};
