-- The example schema: what sql/tenancy.config.json classifies and sql/tenancy.sql secures. The examples, the docs
-- and the generator's tests use it. Idempotent. Keys lead with the tenant column, so a foreign key can never
-- point at another tenant's row and Citus can distribute every tenant table by tenant_id.

create table if not exists public.plans (
  id text primary key,
  name text not null,
  max_projects integer not null
);

create table if not exists public.projects (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  name text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table if not exists public.tasks (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null,
  project_id uuid not null,
  title text not null,
  done boolean not null default false,
  primary key (tenant_id, id),
  foreign key (tenant_id, project_id) references public.projects (tenant_id, id) on delete cascade
);

create index if not exists tasks_by_workspace on public.tasks (tenant_id, workspace_id);
