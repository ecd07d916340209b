import { listWords, qualifiedIdent } from '../classify.js';
import type { TablePrivilege } from '../read-catalog.js';
import type { Rule } from '../types.js';

const DANGEROUS: readonly TablePrivilege[] = ['truncate', 'references', 'trigger'];

/** TRUNCATE, REFERENCES or TRIGGER held by the app role. */
export const appRoleDangerousGrant: Rule = {
  id: 'app-role-dangerous-grant',
  severity: 'error',
  description:
    'The app role holds TRUNCATE, REFERENCES or TRIGGER on a table (directly, through PUBLIC or through a role it inherits).',
  why: "None of them is subject to row level security. TRUNCATE empties the table for every tenant at once; TRIGGER lets the role attach a function that sees every row written by anyone; REFERENCES lets it create foreign keys whose errors probe other tenants' keys.",
  fix: 'revoke truncate, references, trigger on <table> from <app role>, public;',
  run(catalog) {
    return catalog.relations.flatMap((r) => {
      const held = DANGEROUS.filter((p) => r.appPrivileges.includes(p));
      if (held.length === 0 || r.appOwns) return [];
      const list = held.map((p) => p.toUpperCase());
      return [
        {
          object: r.qualifiedName,
          message: `${catalog.appRoleName} holds ${listWords(list)} on ${r.qualifiedName}.`,
          fix: `revoke ${held.join(', ')} on ${qualifiedIdent(r.qualifiedName)} from ${catalog.appRoleName}, public;`,
        },
      ];
    });
  },
};
