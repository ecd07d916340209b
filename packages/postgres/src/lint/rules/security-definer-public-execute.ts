import type { Rule } from '../types.js';

/** A SECURITY DEFINER function that every role may call. */
export const securityDefinerPublicExecute: Rule = {
  id: 'security-definer-public-execute',
  severity: 'error',
  description: 'A SECURITY DEFINER function is executable by PUBLIC (the default for a new function).',
  why: "PostgreSQL grants EXECUTE on every new function to PUBLIC. A SECURITY DEFINER function runs with its owner's rights, so every role, including the app role acting for any tenant, can use it to do what its owner can: typically read or change rows of every tenant.",
  fix: 'revoke execute on function <function> from public; then grant execute to the roles that need it.',
  run(catalog) {
    return catalog.functions
      .filter((f) => f.publicExecute)
      .map((f) => ({
        object: f.signature,
        message: `SECURITY DEFINER function ${f.signature} is executable by PUBLIC.`,
        fix: `revoke execute on function ${f.signature} from public; and grant execute only to the roles that need it.`,
      }));
  },
};
