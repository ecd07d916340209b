// Test support (imported only by *.pg.test.ts): the parts of a Supabase database the generated SQL relies on, made
// the way Supabase makes them (supabase/postgres init scripts, supabase/auth migrations), in a harness database.

import type { Sql } from './postgrest-request.js';

// Roles are cluster-wide and their names are fixed by Supabase, so every test file shares one copy. Each role is
// created in its own sub-block: two files creating the same role at once get duplicate_object or unique_violation
// (the pg_authid index) in the loser, which is exactly "it exists now". Nothing here alters an existing role or
// grants membership twice, the statements that fail with "tuple concurrently updated" when run in parallel.
const CREATE_ROLES = `
do $$
declare
  spec record;
begin
  for spec in select * from (values
    ('anon', 'nologin noinherit'),
    ('authenticated', 'nologin noinherit'),
    ('service_role', 'nologin noinherit bypassrls'),
    ('supabase_auth_admin', 'nologin noinherit'),
    ('authenticator', 'nologin noinherit')
  ) as r(name, attributes)
  loop
    begin
      if not exists (select from pg_catalog.pg_roles where rolname = spec.name) then
        execute format('create role %I %s', spec.name, spec.attributes);
      end if;
    exception when duplicate_object or unique_violation then
      null;
    end;
  end loop;
end
$$;
`;

/** PostgREST's login role may switch to the API roles; granted once, tolerant of a parallel file doing the same. */
const GRANT_AUTHENTICATOR = `
do $$
declare
  r text;
begin
  foreach r in array array['anon', 'authenticated', 'service_role'] loop
    begin
      if not pg_catalog.pg_has_role('authenticator', r, 'MEMBER') then
        execute format('grant %I to authenticator', r);
      end if;
    exception when unique_violation or duplicate_object then
      null;
    end;
  end loop;
end
$$;
`;

/**
 * The `auth` schema as Supabase Auth defines the parts policies use: `auth.users` (the columns the hook and the
 * tests touch), `auth.uid()` and `auth.jwt()` verbatim from supabase/auth's migrations, and the API roles' usage.
 * Plus Supabase's default privileges on `public`: new tables are granted to anon, authenticated and service_role,
 * which is what the generated SQL has to take back from anon.
 */
const AUTH_SCHEMA = `
create schema if not exists auth;
create table if not exists auth.users (
  id uuid not null primary key,
  email varchar(255),
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_anonymous boolean not null default false
);
create or replace function auth.uid() returns uuid language sql stable as $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select
    coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;
grant usage on schema auth to anon, authenticated, service_role;
grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
`;

async function withRetry(run: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await run();
      return;
    } catch (error) {
      // A concurrent catalog update surfaces as XX000 "tuple concurrently updated"; anything else is a real failure.
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= 5 || !message.includes('concurrently')) throw error;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/** Creates Supabase's roles (cluster-wide, idempotent, safe in parallel) and the `auth` schema in this database. */
export async function installSupabaseStack(sql: Sql): Promise<void> {
  await withRetry(() => sql.unsafe(CREATE_ROLES));
  await withRetry(() => sql.unsafe(GRANT_AUTHENTICATOR));
  await sql.unsafe(AUTH_SCHEMA);
}
