import type { AuditEvent } from '@tenancy/core';
import { withPlatformTransaction } from '@tenancy/postgres';
import { config } from './config';
import { services } from './services';

/**
 * The audit sink of `asPlatform()`: every cross-tenant read of the admin page becomes a row in
 * `tenancy.platform_audit_log`, which only the platform role can read or append to.
 * @example
 * createTenantDb({ client, platformClient, audit: recordPlatformAccess });
 */
export async function recordPlatformAccess(event: AuditEvent): Promise<void> {
  // The sink receives every audit event type; this one records platform access only.
  if (event.type !== 'platform.access') return;
  const s = config.helperSchema;
  // asPlatform() reports work across tenants as tenantId '*': no single subject tenant.
  const subjectTenant = event.tenantId === '*' ? null : event.tenantId;
  await withPlatformTransaction(services().platformSql, config, { actorId: event.principalId }, async (tx) => {
    await tx`insert into ${tx(s)}.platform_audit_log (actor_id, action, subject_tenant_id, data)
      values (${event.principalId}, 'platform.access', ${subjectTenant}, ${tx.json({ reason: event.reason, at: event.at })})`;
  });
}
