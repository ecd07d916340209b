import { TenancyError } from '@tenancy/core';
import type { ResolvedTenancyConfig } from '../config/config-types.js';
import { ACTION_PATTERN, EMAIL_PATTERN, PERMISSION_PATTERN, ROLE_PATTERN, SLUG_PATTERN } from './patterns.js';
import { quoteIdent } from './sql-text.js';

/** The parts of the resolved config the foundation DDL depends on. */
export type FoundationConfig = Pick<ResolvedTenancyConfig, 'helperSchema' | 'tenantColumnType'>;

/**
 * The setting that opens `audit_log` for one tenant's erasure or anonymization (see `audit_log_append_only`). Only the
 * platform path sets it, transaction-locally, next to the row-level work it allows.
 */
export const AUDIT_MAINTENANCE_SETTING = 'tenancy.audit_maintenance';

/**
 * The idempotent DDL of the foundation tables in the config's helper schema: tables, keys, indexes, checks and the
 * triggers that keep them honest. No roles, grants or policies: `generateSql` emits those from the classification
 * ({@link foundationTables}) and {@link foundationPolicies}. Expects `<helperSchema>.tenant_id()` and `user_id()` to
 * exist (column defaults call them). Foundation tenant ids are uuids: any other `tenantColumnType` is `INVALID_CONFIG`.
 * @example
 * const ddl = foundationSql(resolveConfig({ foundation: true }));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/foundation.md
 */
export function foundationSql(config: FoundationConfig): string {
  if (config.tenantColumnType !== 'uuid') {
    throw new TenancyError(
      'INVALID_CONFIG',
      'The foundation schema keys tenants by uuid: set tenantColumnType to "uuid" or turn foundation off.',
      { details: { path: ['tenantColumnType'] } },
    );
  }
  const s = quoteIdent(config.helperSchema);
  return `-- Foundation schema (tenants, users, memberships, workspaces, roles, invitations, audit log) in ${s}.
create schema if not exists ${s};

-- The tenant row is keyed by its tenant column: its id defaults to the tenant in context like every tenant table's
-- tenant column (the generator sets the same default). The lifecycle functions always pass the new id explicitly.
create table if not exists ${s}.tenants (
  id uuid not null default ${s}.tenant_id(),
  slug text not null,
  name text not null,
  status text not null default 'active',
  plan text,
  settings jsonb not null default '{}'::jsonb,
  branding jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  suspended_at timestamptz,
  deleted_at timestamptz,
  constraint tenants_pkey primary key (id),
  constraint tenants_slug_check check (slug ~ '${SLUG_PATTERN}'),
  constraint tenants_name_check check (length(name) between 1 and 200),
  constraint tenants_status_check check (status in ('active', 'suspended', 'deleted')),
  constraint tenants_settings_check check (jsonb_typeof(settings) = 'object'),
  constraint tenants_branding_check check (jsonb_typeof(branding) = 'object'),
  constraint tenants_deleted_check check ((status = 'deleted') = (deleted_at is not null))
);
-- Partial: soft deletion frees the slug for a new tenant, which shares nothing with the deleted one but the name.
create unique index if not exists tenants_slug_key on ${s}.tenants (slug) where deleted_at is null;

create table if not exists ${s}.users (
  id uuid not null default gen_random_uuid(),
  email text not null,
  display_name text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_pkey primary key (id),
  constraint users_email_check check (email = lower(btrim(email)) and email ~ '${EMAIL_PATTERN}')
);
create unique index if not exists users_email_key on ${s}.users (email);

create table if not exists ${s}.domains (
  tenant_id uuid not null default ${s}.tenant_id(),
  domain text not null,
  verified boolean not null default false,
  verified_at timestamptz,
  created_at timestamptz not null default now(),
  constraint domains_pkey primary key (tenant_id, domain),
  constraint domains_tenant_fk foreign key (tenant_id) references ${s}.tenants (id),
  constraint domains_domain_check check (domain = lower(domain) and domain ~ '^[a-z0-9.-]+$' and length(domain) between 1 and 253),
  constraint domains_verified_check check (verified = (verified_at is not null))
);
-- Global on purpose: a host name routes to exactly one tenant (see the lint allowance in foundationLintAllow).
create unique index if not exists domains_domain_key on ${s}.domains (domain);

create table if not exists ${s}.memberships (
  tenant_id uuid not null default ${s}.tenant_id(),
  user_id uuid not null,
  roles text[] not null default '{}'::text[],
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint memberships_pkey primary key (tenant_id, user_id),
  constraint memberships_tenant_fk foreign key (tenant_id) references ${s}.tenants (id),
  constraint memberships_user_fk foreign key (user_id) references ${s}.users (id)
);
create index if not exists memberships_user_idx on ${s}.memberships (user_id);

create table if not exists ${s}.workspaces (
  tenant_id uuid not null default ${s}.tenant_id(),
  id uuid not null default gen_random_uuid(),
  parent_id uuid,
  slug text not null,
  name text not null,
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint workspaces_pkey primary key (tenant_id, id),
  constraint workspaces_tenant_fk foreign key (tenant_id) references ${s}.tenants (id),
  constraint workspaces_parent_fk foreign key (tenant_id, parent_id) references ${s}.workspaces (tenant_id, id),
  constraint workspaces_slug_check check (slug ~ '${SLUG_PATTERN}'),
  constraint workspaces_name_check check (length(name) between 1 and 200),
  constraint workspaces_parent_check check (parent_id <> id)
);
create unique index if not exists workspaces_slug_key on ${s}.workspaces (tenant_id, slug);
create unique index if not exists workspaces_default_key on ${s}.workspaces (tenant_id) where is_default;
create index if not exists workspaces_parent_idx on ${s}.workspaces (tenant_id, parent_id);

create table if not exists ${s}.workspace_memberships (
  tenant_id uuid not null default ${s}.tenant_id(),
  workspace_id uuid not null,
  user_id uuid not null,
  roles text[] not null default '{}'::text[],
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint workspace_memberships_pkey primary key (tenant_id, workspace_id, user_id),
  constraint workspace_memberships_workspace_fk foreign key (tenant_id, workspace_id)
    references ${s}.workspaces (tenant_id, id) on delete cascade,
  constraint workspace_memberships_membership_fk foreign key (tenant_id, user_id)
    references ${s}.memberships (tenant_id, user_id) on delete cascade
);
create index if not exists workspace_memberships_user_idx on ${s}.workspace_memberships (tenant_id, user_id);

create table if not exists ${s}.roles (
  tenant_id uuid not null default ${s}.tenant_id(),
  name text not null,
  inherits text[] not null default '{}'::text[],
  description text,
  created_at timestamptz not null default now(),
  constraint roles_pkey primary key (tenant_id, name),
  constraint roles_tenant_fk foreign key (tenant_id) references ${s}.tenants (id),
  constraint roles_name_check check (name ~ '${ROLE_PATTERN}')
);

create table if not exists ${s}.role_permissions (
  tenant_id uuid not null default ${s}.tenant_id(),
  role text not null,
  permission text not null,
  effect text not null default 'allow',
  constraint role_permissions_pkey primary key (tenant_id, role, permission, effect),
  constraint role_permissions_role_fk foreign key (tenant_id, role)
    references ${s}.roles (tenant_id, name) on update cascade on delete cascade,
  constraint role_permissions_effect_check check (effect in ('allow', 'deny')),
  constraint role_permissions_permission_check check (permission ~ '${PERMISSION_PATTERN}')
);

create table if not exists ${s}.invitations (
  tenant_id uuid not null default ${s}.tenant_id(),
  id uuid not null default gen_random_uuid(),
  email text not null,
  roles text[] not null default '{}'::text[],
  token_hash text not null,
  invited_by uuid,
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  constraint invitations_pkey primary key (tenant_id, id),
  constraint invitations_tenant_fk foreign key (tenant_id) references ${s}.tenants (id),
  constraint invitations_email_check check (email = lower(btrim(email)) and email ~ '${EMAIL_PATTERN}'),
  constraint invitations_token_hash_check check (token_hash ~ '^[0-9a-f]{64}$'),
  constraint invitations_state_check check (accepted_at is null or revoked_at is null)
);
-- Not unique: a token is looked up before its tenant is known, and two random 256-bit tokens do not collide.
create index if not exists invitations_token_hash_idx on ${s}.invitations (token_hash);
create unique index if not exists invitations_pending_key on ${s}.invitations (tenant_id, email)
  where accepted_at is null and revoked_at is null;

create table if not exists ${s}.audit_log (
  tenant_id uuid not null default ${s}.tenant_id(),
  id uuid not null default gen_random_uuid(),
  occurred_at timestamptz not null default now(),
  actor_id uuid default ${s}.user_id(),
  action text not null,
  target_type text,
  target_id text,
  data jsonb not null default '{}'::jsonb,
  constraint audit_log_pkey primary key (tenant_id, id),
  constraint audit_log_tenant_fk foreign key (tenant_id) references ${s}.tenants (id),
  constraint audit_log_action_check check (action ~ '${ACTION_PATTERN}'),
  constraint audit_log_data_check check (jsonb_typeof(data) = 'object')
);
create index if not exists audit_log_occurred_idx on ${s}.audit_log (tenant_id, occurred_at);

-- Platform-only: records what outlives a tenant (its purge, its erasure). No foreign key to tenants on purpose.
create table if not exists ${s}.platform_audit_log (
  id uuid not null default gen_random_uuid(),
  occurred_at timestamptz not null default now(),
  actor_id uuid,
  action text not null,
  subject_tenant_id uuid,
  data jsonb not null default '{}'::jsonb,
  constraint platform_audit_log_pkey primary key (id),
  constraint platform_audit_log_action_check check (action ~ '${ACTION_PATTERN}'),
  constraint platform_audit_log_data_check check (jsonb_typeof(data) = 'object')
);
create index if not exists platform_audit_log_subject_idx on ${s}.platform_audit_log (subject_tenant_id, occurred_at);

create or replace function ${s}.touch_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create or replace trigger tenancy_touch_updated_at before update on ${s}.tenants
  for each row execute function ${s}.touch_updated_at();
create or replace trigger tenancy_touch_updated_at before update on ${s}.users
  for each row execute function ${s}.touch_updated_at();
create or replace trigger tenancy_touch_updated_at before update on ${s}.memberships
  for each row execute function ${s}.touch_updated_at();
create or replace trigger tenancy_touch_updated_at before update on ${s}.workspaces
  for each row execute function ${s}.touch_updated_at();
create or replace trigger tenancy_touch_updated_at before update on ${s}.workspace_memberships
  for each row execute function ${s}.touch_updated_at();

-- A workspace may not become its own ancestor. Runs as the caller, so it walks only rows the caller's policies show,
-- which are exactly the rows of the caller's tenant: a parent always lives in the same tenant (composite key).
create or replace function ${s}.forbid_workspace_cycle() returns trigger
language plpgsql as $$
begin
  if new.parent_id is not null and exists (
    -- union, not union all: a cycle already in the data ends the walk instead of looping.
    with recursive ancestors(id) as (
      select new.parent_id
      union
      select w.parent_id from ${s}.workspaces w join ancestors a on w.tenant_id = new.tenant_id and w.id = a.id
      where w.parent_id is not null
    )
    select 1 from ancestors where id = new.id
  ) then
    raise exception 'A workspace cannot be its own ancestor.' using errcode = 'check_violation';
  end if;
  return new;
end
$$;

create or replace trigger tenancy_forbid_workspace_cycle before insert or update of parent_id on ${s}.workspaces
  for each row execute function ${s}.forbid_workspace_cycle();

-- Append-only. The app role has no UPDATE or DELETE privilege on the audit log at all; this trigger also stops the
-- platform role and the owner, except for the one tenant whose erasure (DELETE) or anonymization (UPDATE of actor,
-- target and data only) the platform path announced in ${AUDIT_MAINTENANCE_SETTING}. An accident guard, not a secret:
-- whoever holds UPDATE/DELETE could set the setting too.
create or replace function ${s}.audit_log_append_only() returns trigger
language plpgsql as $$
begin
  if tg_op = 'TRUNCATE' then
    raise exception 'The audit log is append-only: TRUNCATE is refused.' using errcode = 'insufficient_privilege';
  end if;
  if current_setting('${AUDIT_MAINTENANCE_SETTING}', true) is distinct from old.tenant_id::text then
    raise exception 'The audit log is append-only: % is refused.', tg_op using errcode = 'insufficient_privilege';
  end if;
  if tg_op = 'DELETE' then
    return old;
  end if;
  if (new.tenant_id, new.id, new.occurred_at, new.action) is distinct from
     (old.tenant_id, old.id, old.occurred_at, old.action) then
    raise exception 'The audit log is append-only: only actor, target and data may be anonymized.'
      using errcode = 'insufficient_privilege';
  end if;
  return new;
end
$$;

create or replace trigger tenancy_audit_log_append_only before update or delete on ${s}.audit_log
  for each row execute function ${s}.audit_log_append_only();
create or replace trigger tenancy_audit_log_no_truncate before truncate on ${s}.audit_log
  for each statement execute function ${s}.audit_log_append_only();

create or replace function ${s}.platform_audit_log_append_only() returns trigger
language plpgsql as $$
begin
  raise exception 'The platform audit log is append-only: % is refused.', tg_op using errcode = 'insufficient_privilege';
end
$$;

create or replace trigger tenancy_platform_audit_log_append_only before update or delete on ${s}.platform_audit_log
  for each row execute function ${s}.platform_audit_log_append_only();
create or replace trigger tenancy_platform_audit_log_no_truncate before truncate on ${s}.platform_audit_log
  for each statement execute function ${s}.platform_audit_log_append_only();
`;
}
