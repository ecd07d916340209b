import type { ResolvedTenancyConfig } from '@tenancy/postgres';
import { IS_MEMBER_FUNCTION, SUPABASE_ROLES, TENANT_CLAIMS } from '../config/supabase-names.js';
import type { ResolvedSupabaseOptions } from '../config/supabase-options.js';
import { ident, literal, qualify } from './sql-text.js';

// A canonical uuid, checked before the cast so a malformed claim yields no tenant instead of an error on every query.
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/**
 * The SQL expression `<helperSchema>.tenant_id()` returns on Supabase: the tenant in the verified JWT's
 * `app_metadata` (never `user_metadata`, which users edit themselves), and only while the user is still a member of
 * it and the tenant is active. The live check is what makes a removed member or a suspended tenant lose access
 * immediately, even with a token that stays valid for another hour. Policies compare with `(select tenant_id())`,
 * so this runs once per statement, not once per row.
 */
export function verifiedTenantExpression(options: ResolvedSupabaseOptions): string {
  const isMember = qualify(options.privateSchema, IS_MEMBER_FUNCTION);
  return [
    `(select claimed.id from (select case when c.raw ~ ${literal(UUID_PATTERN)} then c.raw::uuid end as id`,
    `    from (select auth.jwt() -> 'app_metadata' ->> ${literal(TENANT_CLAIMS.tenantId)} as raw) as c) as claimed`,
    `   where ${isMember}(claimed.id))`,
  ].join('\n');
}

/**
 * The private schema and `is_member(tenant)`: SECURITY DEFINER (it must read every membership, which the caller's
 * own policies would hide, and reading them through those policies would recurse), `search_path` pinned to nothing,
 * EXECUTE only for the roles whose queries reach it through `tenant_id()`. PL/pgSQL on purpose: its body is not
 * resolved when it is created, and it must exist before the helper functions, which come before the foundation tables.
 */
export function membershipCheckStatements(config: ResolvedTenancyConfig, options: ResolvedSupabaseOptions): string[] {
  const priv = ident(options.privateSchema);
  const helpers = ident(config.helperSchema);
  const fn = `${qualify(options.privateSchema, IS_MEMBER_FUNCTION)}(uuid)`;
  const callers = [SUPABASE_ROLES.authenticated, SUPABASE_ROLES.serviceRole].map(ident).join(', ');
  return [
    [
      '-- The private schema holds what must never be reachable over the API: do not add it to the exposed schemas.',
      `create schema if not exists ${priv};`,
      `revoke all on schema ${priv} from public, ${ident(SUPABASE_ROLES.anon)};`,
      `grant usage on schema ${priv} to ${callers}, ${ident(SUPABASE_ROLES.authAdmin)};`,
    ].join('\n'),
    [
      `create or replace function ${qualify(options.privateSchema, IS_MEMBER_FUNCTION)}(tenant uuid) returns boolean`,
      "  language plpgsql stable parallel safe security definer set search_path = ''",
      '  as $$',
      'begin',
      '  return exists (',
      `    select 1 from ${helpers}.memberships m`,
      `    join ${helpers}.tenants t on t.id = m.tenant_id`,
      "    where m.tenant_id = tenant and m.user_id = auth.uid() and t.status = 'active'",
      '  );',
      'end',
      '$$;',
      `comment on function ${fn} is 'True when the signed-in user (auth.uid()) is a member of the active tenant: read live, so removals and suspensions apply at once.';`,
      `revoke all on function ${fn} from public, ${ident(SUPABASE_ROLES.anon)};`,
      `grant execute on function ${fn} to ${callers};`,
    ].join('\n'),
  ];
}
