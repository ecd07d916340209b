import type { ErasureCounts } from '../gdpr/erase-tenant.js';
import type { PostgresTenantRecord } from '../store/uncached-postgres-tenant-store.js';
import type { AcceptedInvitation, AcceptInvitationInput } from './accept-invitation.js';
import { acceptInvitation } from './accept-invitation.js';
import type { ChangeRolesInput, RoleChange } from './change-roles.js';
import { changeRoles } from './change-roles.js';
import type { CreateTenantInput, CreateTenantResult } from './create-tenant.js';
import { createTenant } from './create-tenant.js';
import type { Invitation, InviteMemberInput } from './invite-member.js';
import { inviteMember } from './invite-member.js';
import type { LifecycleOptions } from './lifecycle-context.js';
import { createLifecycleContext } from './lifecycle-context.js';
import type { PurgeTenantInput } from './purge-tenant.js';
import { purgeTenant } from './purge-tenant.js';
import type { ReactivateTenantInput } from './reactivate-tenant.js';
import { reactivateTenant } from './reactivate-tenant.js';
import type { RemoveMemberInput } from './remove-member.js';
import { removeMember } from './remove-member.js';
import type { RevokeInvitationInput } from './revoke-invitation.js';
import { revokeInvitation } from './revoke-invitation.js';
import type { SoftDeleteTenantInput } from './soft-delete-tenant.js';
import { softDeleteTenant } from './soft-delete-tenant.js';
import type { SuspendTenantInput } from './suspend-tenant.js';
import { suspendTenant } from './suspend-tenant.js';
import type { TenantDomainInput } from './tenant-domains.js';
import { addDomain, removeDomain, verifyDomain } from './tenant-domains.js';
import type { UpdateTenantInput } from './update-tenant.js';
import { updateTenant } from './update-tenant.js';

/**
 * The tenant lifecycle, bound to one client and config. Every method is one transaction as the platform role, writes
 * one audit row, notifies the tenant stores (delivered on commit) and hands one event to the audit sink.
 */
export interface TenantLifecycle {
  createTenant(input: CreateTenantInput): Promise<CreateTenantResult>;
  updateTenant(input: UpdateTenantInput): Promise<PostgresTenantRecord>;
  addDomain(input: TenantDomainInput): Promise<string>;
  verifyDomain(input: TenantDomainInput): Promise<string>;
  removeDomain(input: TenantDomainInput): Promise<string>;
  inviteMember(input: InviteMemberInput): Promise<Invitation>;
  acceptInvitation(input: AcceptInvitationInput): Promise<AcceptedInvitation>;
  revokeInvitation(input: RevokeInvitationInput): Promise<void>;
  changeRoles(input: ChangeRolesInput): Promise<RoleChange>;
  removeMember(input: RemoveMemberInput): Promise<void>;
  suspendTenant(input: SuspendTenantInput): Promise<boolean>;
  reactivateTenant(input: ReactivateTenantInput): Promise<boolean>;
  softDeleteTenant(input: SoftDeleteTenantInput): Promise<boolean>;
  purgeTenant(input: PurgeTenantInput): Promise<ErasureCounts>;
}

/**
 * Binds the lifecycle functions to a postgres.js client, a config and an audit sink. Options are validated once,
 * here (`INVALID_CONFIG`); inputs on every call (`INVALID_INPUT`).
 * @example
 * const lifecycle = createTenantLifecycle({ sql, config, auditSink: (event) => logger.info({ audit: event }) });
 * const { tenant } = await lifecycle.createTenant({ slug: 'acme', name: 'Acme', owner: { email: 'ada@acme.test' } });
 * await lifecycle.suspendTenant({ tenantId: tenant.id, reason: 'unpaid' });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md
 */
export function createTenantLifecycle(options: LifecycleOptions): TenantLifecycle {
  const context = createLifecycleContext(options);
  return {
    createTenant: (input) => createTenant(context, input),
    updateTenant: (input) => updateTenant(context, input),
    addDomain: (input) => addDomain(context, input),
    verifyDomain: (input) => verifyDomain(context, input),
    removeDomain: (input) => removeDomain(context, input),
    inviteMember: (input) => inviteMember(context, input),
    acceptInvitation: (input) => acceptInvitation(context, input),
    revokeInvitation: (input) => revokeInvitation(context, input),
    changeRoles: (input) => changeRoles(context, input),
    removeMember: (input) => removeMember(context, input),
    suspendTenant: (input) => suspendTenant(context, input),
    reactivateTenant: (input) => reactivateTenant(context, input),
    softDeleteTenant: (input) => softDeleteTenant(context, input),
    purgeTenant: (input) => purgeTenant(context, input),
  };
}
