import { liveIsolatedTables, qualifiedIdent } from '../classify.js';
import type { Rule } from '../types.js';

/** The role the application logs in with owns tenant tables. */
export const loginRoleOwnsTenantTables: Rule = {
  id: 'login-role-owns-tenant-tables',
  severity: 'warning',
  description:
    "The login role (the one the linter connects as, or `loginRole`) owns a tenant or workspace table. Expected when CI or tests connect as the migration role; the application's runtime login should not.",
  why: 'Forced row level security binds the owner too, but the owner can still disable it, drop policies and TRUNCATE. If the application logs in as the owner, one compromised or careless code path can switch isolation off.',
  fix: 'Own the tables with a separate migration role and log the application in with a role that owns nothing.',
  run(catalog, config) {
    return liveIsolatedTables(catalog, config)
      .filter(({ relation }) => relation.loginOwns)
      .map(({ relation }) => ({
        object: relation.qualifiedName,
        message: `The login role ${catalog.loginRoleName} owns ${relation.qualifiedName}${relation.owner === catalog.loginRoleName ? '' : ` through membership in ${relation.owner}`}.`,
        fix: `alter table ${qualifiedIdent(relation.qualifiedName)} owner to <migration role>; and log the application in with a role that owns nothing.`,
      }));
  },
};
