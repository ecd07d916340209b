import type { ResolvedTenancyConfig } from '../config/config-types.js';
import { quoteIdent } from './sql-text.js';

/** The parts of the resolved config the foundation's own policies depend on. */
export type FoundationPolicyConfig = Pick<ResolvedTenancyConfig, 'helperSchema' | 'roles'>;

/**
 * The policies the classification alone cannot express, to run after the generated ones (idempotent):
 * `users` readable only where the user is a member of the current tenant, and `platform_audit_log` closed to all but
 * the platform role.
 * @example
 * const sql = generateSql(config) + foundationPolicies(config);
 * @see https://github.com/tenancy/tenancy/blob/main/docs/foundation.md#classification
 */
export function foundationPolicies(config: FoundationPolicyConfig): string {
  const s = quoteIdent(config.helperSchema);
  const app = quoteIdent(config.roles.app);
  const platform = quoteIdent(config.roles.platform);
  return `-- users: the app role sees fellow members of its current tenant only. RESTRICTIVE, so it narrows the generated
-- read policy of the global table (and any permissive policy added later) instead of widening anything.
drop policy if exists tenancy_users_member_guard on ${s}.users;
create policy tenancy_users_member_guard on ${s}.users as restrictive for select to ${app}
  using (exists (
    select 1 from ${s}.memberships m
    where m.tenant_id = (select ${s}.tenant_id()) and m.user_id = users.id
  ));

-- platform_audit_log: the platform role reads and appends; nobody else has a privilege or a policy.
alter table ${s}.platform_audit_log enable row level security;
alter table ${s}.platform_audit_log force row level security;
revoke all on ${s}.platform_audit_log from public;
revoke all on ${s}.platform_audit_log from ${app};
grant select, insert on ${s}.platform_audit_log to ${platform};
drop policy if exists tenancy_platform_access on ${s}.platform_audit_log;
create policy tenancy_platform_access on ${s}.platform_audit_log to ${platform} using (true) with check (true);
`;
}
