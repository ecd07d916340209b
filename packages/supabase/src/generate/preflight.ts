import { SUPABASE_ROLES } from '../config/supabase-names.js';
import { literal } from './sql-text.js';

/**
 * Raises before anything changes when the database is not a Supabase database this script can make safe: the
 * Supabase roles and `auth.jwt()`/`auth.uid()` must exist, the API roles must not bypass RLS, and the applying role
 * must bypass RLS itself, because it will own the SECURITY DEFINER membership check and access token hook: under
 * FORCE ROW LEVEL SECURITY an owner without BYPASSRLS would read no memberships and lock every user out.
 */
export function supabasePreflightStatement(): string {
  const roles = Object.values(SUPABASE_ROLES).map(literal).join(', ');
  const api = [SUPABASE_ROLES.anon, SUPABASE_ROLES.authenticated].map(literal).join(', ');
  return [
    'do $$',
    'declare',
    '  missing text;',
    'begin',
    "  select string_agg(r, ', ') into missing",
    `  from unnest(array[${roles}]) as r`,
    '  where not exists (select from pg_catalog.pg_roles where rolname = r);',
    '  if missing is not null then',
    "    raise exception 'tenancy: the supabase dialect needs the Supabase roles; missing: %', missing",
    '      using hint = \'Apply this script to a Supabase database, or set "dialect": "postgres".\';',
    '  end if;',
    "  if pg_catalog.to_regprocedure('auth.jwt()') is null or pg_catalog.to_regprocedure('auth.uid()') is null then",
    "    raise exception 'tenancy: the supabase dialect reads the user from auth.jwt() and auth.uid(), which do not exist'",
    "      using hint = 'Supabase Auth creates them; apply this script to a Supabase database.';",
    '  end if;',
    '  if exists (select from pg_catalog.pg_roles',
    `             where rolname in (${api}) and (rolsuper or rolbypassrls)) then`,
    "    raise exception 'tenancy: role anon or authenticated is a superuser or has BYPASSRLS: no policy would apply'",
    "      using hint = 'Run: alter role <name> nobypassrls (as a superuser), then apply again.';",
    '  end if;',
    '  if not exists (select from pg_catalog.pg_roles',
    '                 where rolname = current_user and (rolsuper or rolbypassrls)) then',
    "    raise exception 'tenancy: apply this script as a role with BYPASSRLS (postgres on Supabase), not as %', current_user",
    "      using hint = 'The membership check and the access token hook are SECURITY DEFINER functions owned by the applying role; they must read every membership.';",
    '  end if;',
    'end',
    '$$;',
  ].join('\n');
}
