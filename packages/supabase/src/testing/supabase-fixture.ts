// Test support: one harness database made into a small Supabase project: Supabase's roles and auth functions, an
// app schema (a tenant table and a global table), the generated SQL applied, two tenants with their members and
// rows, and access tokens issued through the generated access token hook, signed like Supabase Auth signs them.
import type { ResolvedTenancyConfig } from '@tenancy/postgres';
import type { TestDatabase } from '@tenancy/postgres/testing';
import { createTestDatabase } from '@tenancy/postgres/testing';
import { resolveSupabaseConfig } from '../config/resolve-supabase-config.js';
import { generateSupabaseSql } from '../generate/generate-supabase-sql.js';
import { installSupabaseStack } from './supabase-stack.js';
import { baseClaims, hookEvent, signToken } from './supabase-tokens.js';

export const TENANT_A = '00000000-0000-4000-8000-00000000000a';
export const TENANT_B = '00000000-0000-4000-8000-00000000000b';
/** Member of A (admin). */
export const ALICE = '10000000-0000-4000-8000-000000000001';
/** Member of B. */
export const BOB = '10000000-0000-4000-8000-000000000002';
/** Member of A (joined first) and of B. */
export const CAROL = '10000000-0000-4000-8000-000000000003';
/** Signed up, member of nothing. */
export const DAVE = '10000000-0000-4000-8000-000000000004';
export const PROJECT_A = '20000000-0000-4000-8000-00000000000a';
export const PROJECT_B = '20000000-0000-4000-8000-00000000000b';

/** The app's own tables, as a Supabase migration would create them (composite keys leading with the tenant). */
export const APP_SCHEMA = `
create table public.plans (id text primary key, name text not null);
create table public.projects (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  name text not null,
  constraint projects_pkey primary key (tenant_id, id)
);
`;

/** The config the tests generate from. */
export const fixtureConfig = (): ResolvedTenancyConfig =>
  resolveSupabaseConfig({ tables: { projects: { scope: 'tenant' }, plans: { scope: 'global' } } });

/** The rows both tenants start with; {@link resetRows} puts them back. */
const SEED = `
insert into tenancy.tenants (id, slug, name) values ('${TENANT_A}', 'acme', 'Acme'), ('${TENANT_B}', 'globex', 'Globex');
insert into tenancy.users (id, email) values
  ('${ALICE}', 'alice@example.com'), ('${BOB}', 'bob@example.com'),
  ('${CAROL}', 'carol@example.com'), ('${DAVE}', 'dave@example.com');
insert into public.plans (id, name) values ('free', 'Free');
`;

const ROWS = `
delete from tenancy_private.active_tenants;
delete from tenancy.memberships;
delete from public.projects;
update tenancy.tenants set status = 'active', suspended_at = null;
insert into tenancy.memberships (tenant_id, user_id, roles, created_at) values
  ('${TENANT_A}', '${ALICE}', '{admin}', now() - interval '3 days'),
  ('${TENANT_B}', '${BOB}', '{member}', now() - interval '3 days'),
  ('${TENANT_A}', '${CAROL}', '{member}', now() - interval '2 days'),
  ('${TENANT_B}', '${CAROL}', '{admin}', now() - interval '1 day');
insert into public.projects (tenant_id, id, name) values
  ('${TENANT_A}', '${PROJECT_A}', 'a-project'), ('${TENANT_B}', '${PROJECT_B}', 'b-project');
`;

/** A database with the Supabase stack, the app schema, the generated SQL and the seed rows. */
export async function createSupabaseDatabase(): Promise<{ db: TestDatabase; config: ResolvedTenancyConfig }> {
  const db = await createTestDatabase();
  await installSupabaseStack(db.sql);
  await db.sql.unsafe(APP_SCHEMA);
  const config = fixtureConfig();
  await runScript(db, generateSupabaseSql(config));
  await db.sql.unsafe(SEED);
  await resetRows(db);
  return { db, config };
}

/** Runs a complete script (with its own `begin; ... commit;`) on one connection, the way psql would. */
export async function runScript(db: TestDatabase, script: string): Promise<void> {
  const connection = await db.sql.reserve();
  try {
    await connection.unsafe(script);
  } finally {
    connection.release();
  }
}

/** Puts memberships, projects, tenant status and tenant choices back to the seed state (as superuser). */
export async function resetRows(db: TestDatabase): Promise<void> {
  await db.sql.unsafe(ROWS);
}

/** Runs the access token hook as Supabase Auth does (as `supabase_auth_admin`) and returns its output. */
export async function runHook(db: TestDatabase, event: Record<string, unknown>): Promise<Record<string, unknown>> {
  const rows = await db.sql.begin(async (tx) => {
    await tx`select pg_catalog.set_config('role', 'supabase_auth_admin', true)`;
    // Through text: a jsonb-typed parameter would make the driver JSON-encode the string a second time.
    return tx.unsafe('select tenancy_private.access_token_hook($1::text::jsonb) as result', [JSON.stringify(event)]);
  });
  return rows[0]?.['result'] as Record<string, unknown>;
}

/** An access token for `userId` as Supabase Auth would issue it now: base claims, through the hook, signed. */
export async function issueToken(
  db: TestDatabase,
  userId: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const output = await runHook(db, hookEvent(userId, baseClaims(userId, overrides)));
  return signToken(output['claims'] as Record<string, unknown>);
}
