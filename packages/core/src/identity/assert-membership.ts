import type { AuditSink } from '../audit/audit-sink.js';
import { createAuditEvent } from '../audit/create-audit-event.js';
import { TenancyError } from '../errors/tenancy-error.js';
import { assertTenantActive } from '../model/assert-tenant-active.js';
import type { Membership } from '../model/membership.js';
import type { Principal } from '../model/principal.js';
import type { TenantRecord } from '../model/tenant.js';
import type { TenantStore } from '../model/tenant-store.js';
import type { MembershipPeek } from '../store/cache-peek.js';
import { peekOf } from '../store/cache-peek.js';

/** Options for {@link assertMembership}. */
export interface AssertMembershipOptions {
  /** Where memberships come from (usually the cached store). */
  readonly store: Pick<TenantStore, 'getMembership'>;
  /** The tenant the principal wants to act in, as resolved for this request. */
  readonly tenant: TenantRecord;
  /** The verified principal. */
  readonly principal: Principal;
  /** Ask for the audited platform path: a platform admin acting in a tenant it need not belong to. */
  readonly platform?: { readonly reason: string } | undefined;
  /** Receives the `platform.access` event. Required for the platform path; awaited, and its failure refuses access. */
  readonly audit?: AuditSink | undefined;
  /** Roles of the synthetic membership a platform admin acts with. Default none: permissions come from elsewhere. */
  readonly platformRoles?: readonly string[] | undefined;
}

/** What {@link assertMembership} grants: the membership to act with, and the platform reason when it is synthetic. */
export interface AssertedMembership {
  readonly membership: Membership;
  /** Set only for platform access: the membership is synthetic and the access was audited with this reason. */
  readonly platform: { readonly reason: string } | undefined;
}

const MAX_REASON_LENGTH = 500;

/**
 * Checks that a principal may act in a tenant: it must be a member (`MEMBERSHIP_REQUIRED`), of an active tenant
 * (`TENANT_SUSPENDED`; `TENANT_NOT_FOUND` when deleted). A platform admin may instead take the explicit platform path
 * (`platform: { reason }`): it gets a synthetic membership, reported to `audit` before this returns. Asking for the
 * platform path without being a platform admin is `PERMISSION_DENIED`; being one without asking changes nothing.
 * @example
 * const { membership } = await assertMembership({ store, tenant, principal });
 * const support = await assertMembership({ store, tenant, principal, platform: { reason: 'ticket 4411' }, audit });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/identity.md#membership
 */
export async function assertMembership(options: AssertMembershipOptions): Promise<AssertedMembership> {
  return assertMembershipEager(options);
}

/**
 * {@link assertMembership} without a promise when the store is a cached store that holds the membership (the platform
 * path always takes one: its audit event is awaited). It may throw instead of rejecting.
 */
export function assertMembershipEager(
  options: AssertMembershipOptions,
): AssertedMembership | Promise<AssertedMembership> {
  const { store, tenant, principal, platform } = options;
  if (platform !== undefined) return platformAccess(options, platform);

  assertTenantActive(tenant);
  const cached = peekOf<MembershipPeek>(store.getMembership)?.(tenant.id, principal.id);
  return cached === undefined ? loadMembership(store, tenant, principal) : memberOf(cached, tenant, principal);
}

async function loadMembership(
  store: Pick<TenantStore, 'getMembership'>,
  tenant: TenantRecord,
  principal: Principal,
): Promise<AssertedMembership> {
  return memberOf(await store.getMembership(tenant.id, principal.id), tenant, principal);
}

function memberOf(membership: Membership | null, tenant: TenantRecord, principal: Principal): AssertedMembership {
  if (membership === null) {
    throw new TenancyError('MEMBERSHIP_REQUIRED', 'You are not a member of this tenant.');
  }
  // A store that answers for another pair is broken; acting on its answer would cross tenants.
  if (membership.tenantId !== tenant.id || membership.userId !== principal.id) {
    throw new TenancyError('INTERNAL', 'The tenant store returned a membership for a different tenant or user.');
  }
  return { membership, platform: undefined };
}

async function platformAccess(
  options: AssertMembershipOptions,
  platform: { readonly reason: string },
): Promise<AssertedMembership> {
  const { tenant, principal, audit } = options;
  if (principal.platformAdmin !== true) {
    throw new TenancyError('PERMISSION_DENIED', 'Only platform admins may act through the platform path.');
  }
  const reason = typeof platform.reason === 'string' ? platform.reason.trim() : '';
  if (reason.length === 0 || reason.length > MAX_REASON_LENGTH || /\p{Cc}/u.test(reason)) {
    throw new TenancyError(
      'INVALID_INPUT',
      `Platform access needs a reason: 1-${MAX_REASON_LENGTH} characters, no control characters.`,
    );
  }
  // Suspended tenants stay reachable here on purpose: operators resume, export or inspect them. Deleted ones do not.
  if (tenant.status === 'deleted') throw new TenancyError('TENANT_NOT_FOUND', 'No such tenant.');
  if (audit === undefined) {
    throw new TenancyError('INVALID_CONFIG', 'The platform path needs an audit sink: platform access is never silent.');
  }
  try {
    // Awaited, unlike other audit events: here the audit record is the condition of access, so no record, no access.
    await audit(createAuditEvent('platform.access', { tenantId: tenant.id, principalId: principal.id, reason }));
  } catch (error) {
    throw new TenancyError('INTERNAL', 'Platform access refused: the audit event could not be recorded.', {
      cause: error,
    });
  }
  const membership: Membership = Object.freeze({
    tenantId: tenant.id,
    userId: principal.id,
    roles: Object.freeze([...(options.platformRoles ?? [])]),
  });
  return { membership, platform: Object.freeze({ reason }) };
}
