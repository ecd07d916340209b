import { ident, qualifiedIdent } from '../classify.js';
import type { Rule } from '../types.js';

/** The app role owns a table or view, or can become its owner. */
export const appRoleOwnsTables: Rule = {
  id: 'app-role-owns-tables',
  severity: 'error',
  description: 'The app role owns a table or view, or is a member of the role that owns it.',
  why: "An owner can disable row level security, drop or replace the policies, and TRUNCATE: the app role, which runs every tenant's queries, could undo isolation with one statement. The app role must own nothing.",
  fix: 'alter table <table> owner to <migration role>;',
  run(catalog) {
    return catalog.relations
      .filter((r) => r.appOwns)
      .map((r) => {
        const how = r.owner === catalog.appRoleName ? 'owns' : `is a member of ${r.owner}, which owns`;
        const kind = r.kind === 'view' ? 'view' : r.kind === 'materialized-view' ? 'materialized view' : 'table';
        return {
          object: r.qualifiedName,
          message: `The app role ${catalog.appRoleName} ${how} ${r.qualifiedName}.`,
          fix:
            r.owner === catalog.appRoleName
              ? `alter ${kind} ${qualifiedIdent(r.qualifiedName)} owner to <migration role>;`
              : `revoke ${ident(r.owner)} from ${ident(catalog.appRoleName)};`,
        };
      });
  },
};
