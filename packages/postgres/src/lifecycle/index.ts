// The lifecycle area's exports, for the package entry.
export type { AcceptedInvitation, AcceptInvitationInput } from './accept-invitation.js';
export type { ChangeRolesInput, RoleChange } from './change-roles.js';
export type { CreateTenantInput, CreateTenantResult, TenantOwnerInput } from './create-tenant.js';
export type { TenantLifecycle } from './create-tenant-lifecycle.js';
export { createTenantLifecycle } from './create-tenant-lifecycle.js';
export type { TenantRoleSeed } from './default-roles.js';
export { DEFAULT_TENANT_ROLES, OWNER_ROLE } from './default-roles.js';
export type { Invitation, InviteMemberInput } from './invite-member.js';
export type { LifecycleOptions } from './lifecycle-context.js';
export type { PurgeTenantInput } from './purge-tenant.js';
export type { ReactivateTenantInput } from './reactivate-tenant.js';
export type { RemoveMemberInput } from './remove-member.js';
export type { RevokeInvitationInput } from './revoke-invitation.js';
export type { SoftDeleteTenantInput } from './soft-delete-tenant.js';
export type { SuspendTenantInput } from './suspend-tenant.js';
export type { TenantDomainInput } from './tenant-domains.js';
export type { UpdateTenantInput } from './update-tenant.js';
