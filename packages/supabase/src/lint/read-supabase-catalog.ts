import type { LintDatabaseOptions, ResolvedTenancyConfig } from '@tenancy/postgres';
import { SUPABASE_ROLES } from '../config/supabase-names.js';

/** The postgres.js client the linter reads with (the one `lintDatabase` takes). */
export type LintSql = LintDatabaseOptions['sql'];

/** A row level security policy in a user schema, deparsed. */
export interface SupabasePolicy {
  table: string;
  name: string;
  roles: string[];
  using: string | null;
  withCheck: string | null;
}

/** A function in a user schema whose body reads `user_metadata`. */
export interface UserMetadataFunction {
  schema: string;
  name: string;
  signature: string;
}

/** The privileges `anon` holds on one configured tenant table (directly, through PUBLIC, or inherited). */
export interface AnonTableAccess {
  table: string;
  privileges: string[];
}

/** A SECURITY DEFINER function in a user schema, and which API roles can execute it. */
export interface DefinerFunction {
  schema: string;
  name: string;
  signature: string;
  anon: boolean;
  authenticated: boolean;
}

/** What the Supabase rules look at, read in one read-only transaction. */
export interface SupabaseCatalog {
  /** Which of `anon` and `authenticated` are missing (a database that is not a Supabase database). */
  missingRoles: string[];
  /** The tenant tables of the config, `schema.name`. */
  tenantTables: string[];
  policies: SupabasePolicy[];
  userMetadataFunctions: UserMetadataFunction[];
  anonTableAccess: AnonTableAccess[];
  definerFunctions: DefinerFunction[];
}

/**
 * Schemas Supabase itself owns and maintains (Auth, Storage, Realtime, extensions, ...): their functions and policies
 * are Supabase's business, not the app's, and some of their SECURITY DEFINER functions are meant for the API roles.
 */
export const SUPABASE_INTERNAL_SCHEMAS: readonly string[] = [
  '_analytics',
  '_realtime',
  '_supavisor',
  'auth',
  'cron',
  'extensions',
  'graphql',
  'graphql_public',
  'net',
  'pgbouncer',
  'pgmq',
  'pgsodium',
  'pgsodium_masks',
  'pgtle',
  'realtime',
  'storage',
  'supabase_functions',
  'supabase_migrations',
  'vault',
];

const USER_SCHEMA = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_'`;

/** Reads the catalog the Supabase rules run over. */
export async function readSupabaseCatalog(sql: LintSql, config: ResolvedTenancyConfig): Promise<SupabaseCatalog> {
  const internal = [...SUPABASE_INTERNAL_SCHEMAS];
  const tenantTables = config.tables
    .filter((t) => t.scope === 'tenant' || t.scope === 'workspace')
    .map((t) => `${t.schema}.${t.name}`);
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const roles = await tx<{ rolname: string }[]>`
      select rolname from pg_catalog.pg_roles
      where rolname in (${SUPABASE_ROLES.anon}, ${SUPABASE_ROLES.authenticated})`;
    const present = new Set(roles.map((r) => r.rolname));
    const missingRoles = [SUPABASE_ROLES.anon, SUPABASE_ROLES.authenticated].filter((r) => !present.has(r));

    const policies = await tx<
      { tablename: string; name: string; roles: string[]; using: string | null; withcheck: string | null }[]
    >`
      select n.nspname || '.' || c.relname as tablename, pol.polname as name,
        array(select case when r = 0 then 'public' else pg_catalog.pg_get_userbyid(r) end
              from unnest(pol.polroles) as r order by 1) as roles,
        pg_catalog.pg_get_expr(pol.polqual, pol.polrelid) as using,
        pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid) as withcheck
      from pg_catalog.pg_policy pol
      join pg_catalog.pg_class c on c.oid = pol.polrelid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where ${tx.unsafe(USER_SCHEMA)} and n.nspname <> all (${internal}::text[])
      order by 1, 2`;

    const userMetadataFunctions = await tx<{ schema: string; name: string; signature: string }[]>`
      select n.nspname as schema, p.proname as name,
        n.nspname || '.' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' as signature
      from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where ${tx.unsafe(USER_SCHEMA)} and n.nspname <> all (${internal}::text[])
        and p.prosrc ~* '(raw_)?user_meta(_)?data'
      order by 3`;

    const anonTableAccess =
      missingRoles.length > 0 || tenantTables.length === 0
        ? []
        : await tx<{ table: string; privileges: string[] }[]>`
            select t.name as table,
              array(select p from unnest(array['select', 'insert', 'update', 'delete']) as p
                    where pg_catalog.has_table_privilege(${SUPABASE_ROLES.anon}, c.oid, p)) as privileges
            from unnest(${tenantTables}::text[]) as t(name)
            join pg_catalog.pg_class c on c.oid = pg_catalog.to_regclass(t.name)
            order by 1`;

    const definerFunctions =
      missingRoles.length > 0
        ? []
        : await tx<{ schema: string; name: string; signature: string; anon: boolean; authenticated: boolean }[]>`
            select n.nspname as schema, p.proname as name,
              n.nspname || '.' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' as signature,
              pg_catalog.has_function_privilege(${SUPABASE_ROLES.anon}, p.oid, 'execute') as anon,
              pg_catalog.has_function_privilege(${SUPABASE_ROLES.authenticated}, p.oid, 'execute') as authenticated
            from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
            where p.prosecdef and ${tx.unsafe(USER_SCHEMA)} and n.nspname <> all (${internal}::text[])
              and not exists (
                select 1 from pg_catalog.pg_depend e
                where e.classid = 'pg_catalog.pg_proc'::regclass and e.objid = p.oid and e.deptype = 'e')
            order by 3`;

    return {
      missingRoles,
      tenantTables,
      policies: policies.map((p) => ({
        table: p.tablename,
        name: p.name,
        roles: [...p.roles],
        using: p.using,
        withCheck: p.withcheck,
      })),
      userMetadataFunctions: userMetadataFunctions.map((f) => ({ ...f })),
      anonTableAccess: anonTableAccess
        .filter((a) => a.privileges.length > 0)
        .map((a) => ({ table: a.table, privileges: [...a.privileges] })),
      definerFunctions: definerFunctions.map((f) => ({ ...f })),
    };
  });
}
