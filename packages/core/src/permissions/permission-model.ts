import type { AuditErrorHandler, AuditSink } from '../audit/audit-sink.js';
import type { Membership } from '../model/membership.js';
import type { PermissionExplanation } from './explain-permission.js';

// Methods, not function-valued properties, throughout this file: method parameters are bivariant, so a model typed
// with its own permission union stays assignable to `PermissionModel` (the `string` default) that adapters accept.

/** Where a tenant check runs: omit it for tenant-wide actions, pass the workspace for actions inside one. */
export interface PermissionScope {
  readonly workspaceId: string;
}

/**
 * A principal's platform roles. Its own shape (`platformRoles`, not `roles`) so a tenant membership can never be
 * passed where platform roles are expected.
 */
export interface PlatformMembership {
  readonly userId: string;
  readonly platformRoles: readonly string[];
}

/** Options for {@link definePermissions}. */
export interface DefinePermissionsOptions {
  /** Receives a `permission.denied` event for every check that answers `false`. Allowed checks never touch it. */
  audit?: AuditSink | undefined;
  /** Told when the audit sink throws or rejects; default `console.error`. The check's answer is unaffected. */
  onAuditError?: AuditErrorHandler | undefined;
}

/**
 * One member's permissions in one tenant, compiled once (per request) so each check is a Set lookup. A snapshot:
 * build a new one when the membership changes.
 * @example
 * const perms = permissions.permissionsFor(membership);
 * if (perms.can('project:update', { workspaceId })) { ... }
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md#per-request-grants
 */
export interface PermissionGrant<TPermission extends string = string, TRole extends string = string> {
  readonly tenantId: string;
  readonly userId: string;
  can(permission: TPermission, scope?: PermissionScope | undefined): boolean;
  /** Like `can`, but throws `PERMISSION_DENIED` instead of returning `false`. */
  assert(permission: TPermission, scope?: PermissionScope | undefined): void;
  explain(permission: TPermission, scope?: PermissionScope | undefined): PermissionExplanation<TPermission, TRole>;
}

/**
 * One platform operator's permissions, compiled once.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md#platform-roles
 */
export interface PlatformPermissionGrant<TPermission extends string = string, TRole extends string = string> {
  readonly userId: string;
  can(permission: TPermission): boolean;
  assert(permission: TPermission): void;
  explain(permission: TPermission): PermissionExplanation<TPermission, TRole>;
}

/**
 * The platform half of a permission model: roles for the operators of the platform, checked apart from tenant roles.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md#platform-roles
 */
export interface PlatformPermissions<TPermission extends string = string, TRole extends string = string> {
  readonly roles: readonly TRole[];
  readonly permissions: readonly TPermission[];
  can(subject: PlatformMembership | PlatformPermissionGrant<TPermission, TRole>, permission: TPermission): boolean;
  assert(subject: PlatformMembership | PlatformPermissionGrant<TPermission, TRole>, permission: TPermission): void;
  explain(
    subject: PlatformMembership | PlatformPermissionGrant<TPermission, TRole>,
    permission: TPermission,
  ): PermissionExplanation<TPermission, TRole>;
  permissionsFor(subject: PlatformMembership): PlatformPermissionGrant<TPermission, TRole>;
}

/**
 * A compiled permission model, from {@link definePermissions}. Checks take a membership or a grant from
 * `permissionsFor`; permission names are typed from the declaration.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md
 */
export interface PermissionModel<
  TPermission extends string = string,
  TRole extends string = string,
  TPlatformPermission extends string = string,
  TPlatformRole extends string = string,
> {
  /** Declared tenant roles, in declaration order. */
  readonly roles: readonly TRole[];
  /** Every declared tenant permission, in declaration order. */
  readonly permissions: readonly TPermission[];
  /**
   * True when the subject may do `permission`: some role it holds (tenant-wide, or in `scope.workspaceId`) allows it
   * and none denies it. Unknown roles and undeclared permissions answer `false`.
   */
  can(
    subject: Membership | PermissionGrant<TPermission, TRole>,
    permission: TPermission,
    scope?: PermissionScope | undefined,
  ): boolean;
  /** Like `can`, but throws `PERMISSION_DENIED` instead of returning `false`. */
  assert(
    subject: Membership | PermissionGrant<TPermission, TRole>,
    permission: TPermission,
    scope?: PermissionScope | undefined,
  ): void;
  /** Which role and rule decided the check, or that nothing matched. Diagnostic: it never emits audit events. */
  explain(
    subject: Membership | PermissionGrant<TPermission, TRole>,
    permission: TPermission,
    scope?: PermissionScope | undefined,
  ): PermissionExplanation<TPermission, TRole>;
  /** Compiles one membership's effective permissions once, for the many checks of one request. */
  permissionsFor(membership: Membership): PermissionGrant<TPermission, TRole>;
  readonly platform: PlatformPermissions<TPlatformPermission, TPlatformRole>;
}

/**
 * The permission names of a model (or of `model.platform`), for typing code that passes permissions around.
 * @example
 * type AppPermission = InferPermission<typeof permissions>; // 'project:read' | 'project:create' | ...
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md#typing
 */
export type InferPermission<TModel extends { readonly permissions: readonly string[] }> = TModel['permissions'][number];

/**
 * The role names of a model (or of `model.platform`).
 * @example
 * type AppRole = InferRole<typeof permissions>; // 'viewer' | 'member' | 'admin' | 'owner'
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md#typing
 */
export type InferRole<TModel extends { readonly roles: readonly string[] }> = TModel['roles'][number];
