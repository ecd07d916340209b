import type { ResolvedTenancyConfig } from '@tenancy/postgres';

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * The example's migration: its own tables, in SQL, idempotent. It runs after the generated prelude (roles, helper
 * functions, foundation tables, which the foreign keys and defaults reference) and before the generated policies
 * (which expect the tables to exist). `src/schema.ts` describes the same tables for Drizzle.
 */
export function exampleSchemaSql(config: Pick<ResolvedTenancyConfig, 'helperSchema' | 'roles'>): string {
  const s = ident(config.helperSchema);
  const platform = ident(config.roles.platform);
  return `
create table if not exists public.projects (
  tenant_id uuid not null default ${s}.tenant_id(),
  id uuid not null default gen_random_uuid(),
  name text not null,
  description text,
  created_by uuid default ${s}.user_id(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint projects_pkey primary key (tenant_id, id),
  constraint projects_tenant_fk foreign key (tenant_id) references ${s}.tenants (id),
  constraint projects_name_check check (length(name) between 1 and 200),
  constraint projects_description_check check (length(description) <= 2000)
);
-- The list endpoint pages by (created_at, id) newest first, inside one tenant.
create index if not exists projects_list_idx on public.projects (tenant_id, created_at desc, id desc);

create table if not exists public.tasks (
  tenant_id uuid not null default ${s}.tenant_id(),
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default ${s}.workspace_id(),
  project_id uuid not null,
  title text not null,
  done boolean not null default false,
  created_by uuid default ${s}.user_id(),
  created_at timestamptz not null default now(),
  constraint tasks_pkey primary key (tenant_id, id),
  -- Composite: a task can only reference a project and a workspace of its own tenant.
  constraint tasks_project_fk foreign key (tenant_id, project_id)
    references public.projects (tenant_id, id) on delete cascade,
  constraint tasks_workspace_fk foreign key (tenant_id, workspace_id)
    references ${s}.workspaces (tenant_id, id) on delete cascade,
  constraint tasks_title_check check (length(title) between 1 and 500)
);
create index if not exists tasks_list_idx on public.tasks (tenant_id, workspace_id, created_at desc, id desc);
create index if not exists tasks_project_idx on public.tasks (tenant_id, project_id);

-- Password hashes (scrypt), one per user. Not tenant data: a user signs in to every tenant they belong to with one
-- password. Classified 'ignore' in tenancy.config.ts: the app role gets no privilege on it at all, and the platform
-- role (sign-up, sign-in, accepting an invitation) reads and writes it through a policy of its own.
create table if not exists public.credentials (
  user_id uuid not null,
  password_hash text not null,
  updated_at timestamptz not null default now(),
  constraint credentials_pkey primary key (user_id),
  constraint credentials_user_fk foreign key (user_id) references ${s}.users (id) on delete cascade,
  constraint credentials_hash_check check (password_hash like 'scrypt$%')
);
alter table public.credentials enable row level security;
alter table public.credentials force row level security;
revoke all on public.credentials from public;
grant select, insert, update on public.credentials to ${platform};
drop policy if exists credentials_platform_access on public.credentials;
create policy credentials_platform_access on public.credentials to ${platform} using (true) with check (true);
`;
}
