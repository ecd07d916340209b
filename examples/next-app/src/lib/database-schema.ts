// The example's own tables: Drizzle definitions for queries, and the DDL that creates them. Row level security for
// `projects` comes from the generator (tenancy.config.ts classifies it); `credentials` is ignored by the generator
// and locked down here instead.
import type { ResolvedTenancyConfig } from '@tenancy/postgres';
import { boolean, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** A tenant's projects: the tenant data the dashboard lists. */
export const projects = pgTable(
  'projects',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'projects_pkey', columns: [t.tenantId, t.id] })],
);

/** Password hashes of the foundation's users (`tenancy.users`), and who is a platform admin. */
export const credentials = pgTable('credentials', {
  userId: uuid('user_id').primaryKey(),
  passwordHash: text('password_hash').notNull(),
  platformAdmin: boolean('platform_admin').notNull().default(false),
});

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The DDL of the example's tables, idempotent. Runs after the generator's prelude (the foundation tables exist, so
 * the foreign keys can point at them) and before the full generated script, which adds the RLS of `projects`.
 */
export function exampleTablesSql(config: Pick<ResolvedTenancyConfig, 'helperSchema' | 'roles'>): string {
  const s = ident(config.helperSchema);
  const app = ident(config.roles.app);
  const platform = ident(config.roles.platform);
  return `
-- The tenant column leads the primary key: lookups by id stay inside one tenant's index range, and a foreign key
-- from another tenant table has to pair the tenant columns.
create table if not exists public.projects (
  tenant_id uuid not null references ${s}.tenants (id),
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  created_at timestamptz not null default now(),
  constraint projects_pkey primary key (tenant_id, id)
);

-- Credentials are read before anyone is signed in, so no tenant is known: only the platform role may read them.
-- The app role gets nothing (a tenant request can never read another user's hash), and RLS is forced with a
-- platform-only policy, so even a privilege granted by mistake later would show no rows to anyone else.
create table if not exists public.credentials (
  user_id uuid primary key references ${s}.users (id) on delete cascade,
  password_hash text not null,
  platform_admin boolean not null default false
);
alter table public.credentials enable row level security;
alter table public.credentials force row level security;
revoke all on public.credentials from public;
revoke all on public.credentials from ${app};
grant select, insert, update on public.credentials to ${platform};
drop policy if exists credentials_platform_access on public.credentials;
create policy credentials_platform_access on public.credentials to ${platform} using (true) with check (true);
`;
}
