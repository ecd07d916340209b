import type { Rule } from '../types.js';

/** A SECURITY DEFINER function that resolves names through the caller's search_path. */
export const securityDefinerSearchPath: Rule = {
  id: 'security-definer-search-path',
  severity: 'error',
  description: 'A SECURITY DEFINER function does not pin its search_path.',
  why: "A SECURITY DEFINER function runs with its owner's rights (often a role that bypasses row level security) but looks up unqualified names through the caller's search_path. A caller who can create an object in a schema on that path (or in pg_temp) substitutes its own function or table and runs code as the owner.",
  fix: "alter function <function> set search_path = ''; and schema-qualify every name in its body (or set search_path = pg_catalog, pg_temp).",
  run(catalog) {
    return catalog.functions
      .filter((f) => f.searchPath === null)
      .map((f) => ({
        object: f.signature,
        message: `SECURITY DEFINER function ${f.signature} does not set search_path.`,
        fix: `alter function ${f.signature} set search_path = ''; and schema-qualify the names in its body.`,
      }));
  },
};
