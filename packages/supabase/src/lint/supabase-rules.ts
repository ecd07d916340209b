import type { RuleMeta } from '@tenancy/postgres';
import { IS_MEMBER_FUNCTION, SUPABASE_ROLES, SWITCH_TENANT_FUNCTION } from '../config/supabase-names.js';
import type { ResolvedSupabaseOptions } from '../config/supabase-options.js';
import type { SupabaseCatalog } from './read-supabase-catalog.js';

/** What a Supabase rule reports for one object; the rule's `why` and `fix` apply unless the hit says better. */
export interface SupabaseRuleHit {
  object: string;
  message: string;
  fix?: string | undefined;
}

/** A Supabase lint rule: a pure function of the catalog snapshot and the dialect options. */
export interface SupabaseRule extends RuleMeta {
  run(catalog: SupabaseCatalog, options: ResolvedSupabaseOptions): SupabaseRuleHit[];
}

const USER_METADATA = /(raw_)?user_meta_?data/i;

const rolesMissing: SupabaseRule = {
  id: 'supabase-roles-missing',
  severity: 'error',
  description: 'The database has no anon or authenticated role: it is not a Supabase database.',
  why: 'The Supabase rules check what the API roles can reach; without them there is nothing to check, and the config says this is Supabase.',
  fix: 'Point the linter at the Supabase database, or set "dialect" to "postgres" in the tenancy config.',
  run: (catalog) =>
    catalog.missingRoles.map((role) => ({ object: role, message: `The Supabase role ${role} does not exist.` })),
};

const policyReadsUserMetadata: SupabaseRule = {
  id: 'supabase-policy-reads-user-metadata',
  severity: 'error',
  description: 'A policy (or a function a policy calls) reads user_metadata.',
  why: 'Users edit their own user_metadata (supabase.auth.updateUser({ data })), and Supabase signs it into their token: a policy that trusts it lets any user name any tenant. Only app_metadata is written by the server alone.',
  fix: "Read the tenant from auth.jwt() -> 'app_metadata' (the access token hook writes it), never from user_metadata.",
  run(catalog) {
    const hits: SupabaseRuleHit[] = [];
    for (const policy of catalog.policies) {
      const text = `${policy.using ?? ''}\n${policy.withCheck ?? ''}`;
      if (USER_METADATA.test(text)) {
        hits.push({
          object: `${policy.table}.${policy.name}`,
          message: `Policy ${policy.name} on ${policy.table} reads user_metadata.`,
        });
        continue;
      }
      const called = catalog.userMetadataFunctions.find(
        (f) => text.includes(`${f.schema}.${f.name}(`) || text.includes(`${f.name}(`),
      );
      if (called !== undefined) {
        hits.push({
          object: `${policy.table}.${policy.name}`,
          message: `Policy ${policy.name} on ${policy.table} calls ${called.signature}, which reads user_metadata.`,
        });
      }
    }
    return hits;
  },
};

const tenantTableAnonAccess: SupabaseRule = {
  id: 'supabase-tenant-table-anon-access',
  severity: 'error',
  description: 'anon holds a privilege on a tenant table, or a policy on it names anon.',
  why: 'Requests made with the public anon key run as anon. Supabase grants every new table in public to anon by default; with that grant, one permissive policy (or RLS turned off) exposes every tenant to anyone on the internet.',
  fix: 'revoke all on table <table> from anon, public; (the generated SQL does this) and keep anon out of tenant policies.',
  run(catalog) {
    const hits: SupabaseRuleHit[] = catalog.anonTableAccess.map((access) => ({
      object: access.table,
      message: `anon holds ${access.privileges.join(', ').toUpperCase()} on tenant table ${access.table}.`,
      fix: `revoke all on table ${access.table} from anon, public;`,
    }));
    for (const policy of catalog.policies) {
      if (!policy.roles.includes(SUPABASE_ROLES.anon) || !catalog.tenantTables.includes(policy.table)) continue;
      hits.push({
        object: `${policy.table}.${policy.name}`,
        message: `Policy ${policy.name} on tenant table ${policy.table} applies to anon.`,
        fix: `drop policy ${policy.name} on ${policy.table}; tenant rows are for authenticated members only.`,
      });
    }
    return hits;
  },
};

const definerExecutableByApiRole: SupabaseRule = {
  id: 'supabase-definer-executable-by-api-role',
  severity: 'error',
  description:
    'A SECURITY DEFINER function is executable by anon, or by authenticated without being one tenancy expects.',
  why: "A SECURITY DEFINER function runs with its owner's rights (on Supabase, postgres, which bypasses RLS). Functions in an exposed schema are RPC endpoints: whoever can execute one reads or changes what its owner can, across every tenant.",
  fix: 'revoke execute on function <function> from public, anon, authenticated; then grant it only to the roles that need it (or make it SECURITY INVOKER).',
  run(catalog, options) {
    const expected = new Set([
      `${options.privateSchema}.${IS_MEMBER_FUNCTION}`,
      `${options.rpcSchema}.${SWITCH_TENANT_FUNCTION}`,
    ]);
    const hits: SupabaseRuleHit[] = [];
    for (const fn of catalog.definerFunctions) {
      const fix = `revoke execute on function ${fn.signature} from public, anon, authenticated;`;
      if (fn.anon) {
        hits.push({
          object: fn.signature,
          message: `SECURITY DEFINER function ${fn.signature} is executable by anon.`,
          fix,
        });
      } else if (fn.authenticated && !expected.has(`${fn.schema}.${fn.name}`)) {
        hits.push({
          object: fn.signature,
          message: `SECURITY DEFINER function ${fn.signature} is executable by authenticated (every signed-in user of every tenant).`,
          fix,
        });
      }
    }
    return hits;
  },
};

/** Every Supabase rule, in documentation order. */
export const supabaseRules: readonly SupabaseRule[] = [
  rolesMissing,
  policyReadsUserMetadata,
  tenantTableAnonAccess,
  definerExecutableByApiRole,
];
