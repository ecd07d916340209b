import type { AuditEvent, AuditSink } from '@tenancy/core';

/**
 * The audit event `asPlatform()` emits before any cross-tenant work starts: `@tenancy/core`'s `platform.access`.
 * `tenantId` is the tenant the work is about (`asPlatform({ tenantId })`, else the tenant in context), or `'*'` for
 * work across tenants.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/drizzle.md#platform-access
 */
export type PlatformAccessEvent = AuditEvent<'platform.access'>;

/** Where `createTenantDb` sends platform audit events: any `@tenancy/core` audit sink. */
export type PlatformAuditSink = AuditSink;
