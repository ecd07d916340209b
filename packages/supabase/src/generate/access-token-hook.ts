import type { ResolvedTenancyConfig } from '@tenancy/postgres';
import {
  ACCESS_TOKEN_HOOK_FUNCTION,
  ACTIVE_TENANTS_TABLE,
  SUPABASE_ROLES,
  SWITCH_TENANT_FUNCTION,
  TENANT_CLAIMS,
} from '../config/supabase-names.js';
import type { ResolvedSupabaseOptions } from '../config/supabase-options.js';
import { ident, literal, qualify } from './sql-text.js';

/**
 * The table that remembers the tenant each user last switched to. Private: RLS forced with no policies and no
 * privileges for any API role, so only the SECURITY DEFINER functions below (run as its owner) read or write it.
 * No foreign keys on purpose: a stale row is harmless (the hook re-checks the membership) and must never block
 * deleting a user or purging a tenant.
 */
export function activeTenantsTableStatement(options: ResolvedSupabaseOptions): string {
  const table = qualify(options.privateSchema, ACTIVE_TENANTS_TABLE);
  const api = [SUPABASE_ROLES.anon, SUPABASE_ROLES.authenticated, SUPABASE_ROLES.serviceRole].map(ident).join(', ');
  return [
    `create table if not exists ${table} (`,
    '  user_id uuid not null,',
    '  tenant_id uuid not null,',
    '  updated_at timestamptz not null default now(),',
    `  constraint ${ident(`${ACTIVE_TENANTS_TABLE}_pkey`)} primary key (user_id)`,
    ');',
    `alter table ${table} enable row level security;`,
    `alter table ${table} force row level security;`,
    `revoke all on table ${table} from public, ${api};`,
  ].join('\n');
}

/**
 * The custom access token hook (Supabase's contract: `(event jsonb) returns jsonb`, input
 * `{ user_id, claims, authentication_method }`, output `{ claims }`). It writes `app_metadata.tenant_id` and
 * `app_metadata.tenant_roles`: the tenant the user switched to if they are still a member of it and it is active,
 * else their earliest such membership, else nothing. Keys of that name already in `app_metadata` are dropped first,
 * so only a verified membership ever reaches the token. SECURITY DEFINER, so `supabase_auth_admin` needs EXECUTE
 * and nothing else: no grants on the membership tables, no policy that opens every tenant's memberships to it.
 */
export function accessTokenHookStatement(config: ResolvedTenancyConfig, options: ResolvedSupabaseOptions): string {
  const s = ident(config.helperSchema);
  const hook = qualify(options.privateSchema, ACCESS_TOKEN_HOOK_FUNCTION);
  const fn = `${hook}(jsonb)`;
  const active = qualify(options.privateSchema, ACTIVE_TENANTS_TABLE);
  const { tenantId, tenantRoles } = TENANT_CLAIMS;
  const denied = [SUPABASE_ROLES.anon, SUPABASE_ROLES.authenticated, SUPABASE_ROLES.serviceRole].map(ident).join(', ');
  return [
    `create or replace function ${hook}(event jsonb) returns jsonb`,
    "  language plpgsql stable security definer set search_path = ''",
    '  as $$',
    'declare',
    "  claims jsonb := event -> 'claims';",
    '  app jsonb;',
    '  uid uuid;',
    '  chosen uuid;',
    '  tenant uuid;',
    '  held text[];',
    'begin',
    "  if pg_catalog.jsonb_typeof(claims) is distinct from 'object' then",
    "    raise exception 'tenancy: the access token hook expects event.claims to be an object';",
    '  end if;',
    "  app := case when pg_catalog.jsonb_typeof(claims -> 'app_metadata') = 'object'",
    "    then claims -> 'app_metadata' else '{}'::jsonb end;",
    `  app := app - ${literal(tenantId)} - ${literal(tenantRoles)};`,
    '  -- A malformed user id gets a token without a tenant, never an error that blocks sign-in.',
    "  if (event ->> 'user_id') ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' then",
    "    uid := (event ->> 'user_id')::uuid;",
    '  end if;',
    '  if uid is not null then',
    `    select a.tenant_id into chosen from ${active} a where a.user_id = uid;`,
    '    select m.tenant_id, m.roles into tenant, held',
    `    from ${s}.memberships m`,
    `    join ${s}.tenants t on t.id = m.tenant_id`,
    "    where m.user_id = uid and t.status = 'active'",
    '    order by (m.tenant_id = chosen) desc nulls last, m.created_at, m.tenant_id',
    '    limit 1;',
    '  end if;',
    '  if tenant is not null then',
    `    app := app || pg_catalog.jsonb_build_object(${literal(tenantId)}, tenant, ${literal(tenantRoles)}, pg_catalog.to_jsonb(held));`,
    '  end if;',
    "  return pg_catalog.jsonb_build_object('claims', pg_catalog.jsonb_set(claims, '{app_metadata}', app));",
    'end',
    '$$;',
    `comment on function ${fn} is 'Supabase custom access token hook: puts the active tenant and its roles into app_metadata. Enable it under Authentication > Hooks.';`,
    `revoke all on function ${fn} from public, ${denied};`,
    `grant execute on function ${fn} to ${ident(SUPABASE_ROLES.authAdmin)};`,
  ].join('\n');
}

/**
 * `tenancy_switch_tenant(target_tenant_id uuid)`: what a tenant switcher calls over the API (then it refreshes the
 * session, and the hook issues a token for the new tenant). Records the choice only for a tenant the signed-in user
 * is a member of and that is active; any other id gets the same error, so the call cannot probe which tenants exist.
 */
export function switchTenantStatement(config: ResolvedTenancyConfig, options: ResolvedSupabaseOptions): string {
  const s = ident(config.helperSchema);
  const name = qualify(options.rpcSchema, SWITCH_TENANT_FUNCTION);
  const fn = `${name}(uuid)`;
  const active = qualify(options.privateSchema, ACTIVE_TENANTS_TABLE);
  const denied = [SUPABASE_ROLES.anon, SUPABASE_ROLES.authenticated, SUPABASE_ROLES.serviceRole].map(ident).join(', ');
  return [
    `create or replace function ${name}(target_tenant_id uuid) returns uuid`,
    "  language plpgsql volatile security definer set search_path = ''",
    '  as $$',
    'declare',
    '  uid uuid := auth.uid();',
    'begin',
    '  if uid is null then',
    "    raise exception 'tenancy: sign in before switching tenants' using errcode = '42501';",
    '  end if;',
    `  if target_tenant_id is null or not exists (select 1 from ${s}.memberships m`,
    `      join ${s}.tenants t on t.id = m.tenant_id`,
    "      where m.tenant_id = target_tenant_id and m.user_id = uid and t.status = 'active') then",
    "    raise exception 'tenancy: you are not a member of that tenant' using errcode = '42501';",
    '  end if;',
    `  insert into ${active} (user_id, tenant_id, updated_at) values (uid, target_tenant_id, pg_catalog.now())`,
    '  on conflict (user_id) do update set tenant_id = excluded.tenant_id, updated_at = excluded.updated_at;',
    '  return target_tenant_id;',
    'end',
    '$$;',
    `comment on function ${fn} is 'Makes a tenant the signed-in user is a member of their active tenant; refresh the session afterwards to get a token for it.';`,
    // Supabase's default privileges grant EXECUTE on new functions in public to every API role: take all back first.
    `revoke all on function ${fn} from public, ${denied};`,
    `grant execute on function ${fn} to ${ident(SUPABASE_ROLES.authenticated)};`,
  ].join('\n');
}

/**
 * Takes every privilege on the managed tables away from `anon` and PUBLIC: Supabase's default privileges grant ALL
 * on new tables in `public` to `anon`, and RLS alone would leave that one permissive policy away from a leak.
 */
export function anonRevokeStatement(tables: ReadonlyArray<{ schema: string; name: string; scope: string }>): string {
  const managed = tables.filter((t) => t.scope !== 'ignore');
  if (managed.length === 0) return '';
  return managed
    .map((t) => `revoke all on table ${qualify(t.schema, t.name)} from public, ${ident(SUPABASE_ROLES.anon)};`)
    .join('\n');
}
