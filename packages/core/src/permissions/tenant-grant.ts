import { TenancyError } from '../errors/tenancy-error.js';
import type { Membership } from '../model/membership.js';
import type { CompiledRoleSet } from './compile-role-set.js';
import { explainPermission, type HeldRoles } from './explain-permission.js';
import { GRANT_OWNER, type OwnedGrant } from './grant-owner.js';
import type { DefinePermissionsOptions, PermissionGrant, PermissionScope } from './permission-model.js';
import { denialReason, reportDenial } from './report-denial.js';

const NO_ROLES: readonly string[] = Object.freeze([]);

/** Copies the membership's roles (a snapshot) and precomputes its tenant-wide effective permissions. */
export function createTenantGrant(
  set: CompiledRoleSet,
  membership: Membership,
  options: DefinePermissionsOptions,
): PermissionGrant & OwnedGrant {
  if (!Array.isArray(membership?.roles)) {
    throw new TenancyError('INVALID_INPUT', 'permissionsFor() needs a membership with a roles array.');
  }
  const { tenantId, userId } = membership;
  const tenantRoles: readonly string[] = Object.freeze([...membership.roles]);
  const tenantAllowed = set.effectiveFor(tenantRoles);
  // Workspace roles are copied now (snapshot) but their effective sets are built on first use: a member of many
  // workspaces usually touches one per request.
  const workspaceRoles = new Map<string, readonly string[]>();
  for (const workspace of membership.workspaces ?? []) {
    const previous = workspaceRoles.get(workspace.workspaceId) ?? NO_ROLES;
    workspaceRoles.set(workspace.workspaceId, Object.freeze([...previous, ...workspace.roles]));
  }
  const workspaceAllowed = new Map<string, ReadonlySet<string>>();

  const allowedIn = (workspaceId: string): ReadonlySet<string> => {
    const cached = workspaceAllowed.get(workspaceId);
    if (cached !== undefined) return cached;
    const roles = workspaceRoles.get(workspaceId);
    // Not a member of that workspace: tenant-wide roles still cover it. Not cached, so ids taken from requests cannot
    // grow the map.
    if (roles === undefined) return tenantAllowed;
    const allowed = set.effectiveFor([...tenantRoles, ...roles]);
    workspaceAllowed.set(workspaceId, allowed);
    return allowed;
  };

  const denied = (permission: string, workspaceId: string | undefined): false => {
    if (options.audit === undefined) return false;
    const extra = workspaceId === undefined ? undefined : workspaceRoles.get(workspaceId);
    reportDenial(options, {
      tenantId,
      principalId: userId,
      permission,
      scope: workspaceId === undefined ? 'tenant' : 'workspace',
      ...(workspaceId === undefined ? {} : { workspaceId }),
      reason: denialReason(set, permission, tenantRoles, extra),
    });
    return false;
  };

  const can = (permission: string, scope?: PermissionScope | undefined): boolean => {
    const workspaceId = scope?.workspaceId;
    if ((workspaceId === undefined ? tenantAllowed : allowedIn(workspaceId)).has(permission)) return true;
    return denied(permission, workspaceId);
  };

  return {
    [GRANT_OWNER]: set,
    tenantId,
    userId,
    can,
    assert(permission, scope) {
      if (!can(permission, scope)) throw permissionDenied(permission, scope);
    },
    explain(permission, scope) {
      const workspaceId = scope?.workspaceId;
      const held: HeldRoles[] = [{ roles: tenantRoles, heldIn: 'tenant' }];
      const inWorkspace = workspaceId === undefined ? undefined : workspaceRoles.get(workspaceId);
      if (inWorkspace !== undefined) held.push({ roles: inWorkspace, heldIn: 'workspace' });
      return explainPermission(set, permission, held, workspaceId === undefined ? 'tenant' : 'workspace', workspaceId);
    },
  };
}

/** The error `assert` throws. Names the permission (not tenant data) and never the workspace or the roles held. */
export function permissionDenied(permission: string, scope: PermissionScope | undefined): TenancyError {
  const where = scope?.workspaceId === undefined ? '' : ' in this workspace';
  return new TenancyError('PERMISSION_DENIED', `Missing permission "${permission}"${where}.`, {
    details: { permission },
  });
}
