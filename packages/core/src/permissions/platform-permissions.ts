import { TenancyError } from '../errors/tenancy-error.js';
import { ALLOW, type CompiledRoleSet, decide } from './compile-role-set.js';
import { explainPermission } from './explain-permission.js';
import { foreignGrantError, GRANT_OWNER, type OwnedGrant } from './grant-owner.js';
import type {
  DefinePermissionsOptions,
  PlatformMembership,
  PlatformPermissionGrant,
  PlatformPermissions,
} from './permission-model.js';
import { denialReason, reportDenial } from './report-denial.js';

/** Builds the platform checker over the compiled platform role set (empty when none was declared). */
export function createPlatformPermissions(
  set: CompiledRoleSet,
  options: DefinePermissionsOptions,
): PlatformPermissions {
  const denied = (userId: string, roles: readonly string[], permission: string): false => {
    if (options.audit !== undefined) {
      reportDenial(options, {
        tenantId: null,
        principalId: userId,
        permission,
        scope: 'platform',
        reason: denialReason(set, permission, roles),
      });
    }
    return false;
  };

  const grantOf = (subject: PlatformMembership | PlatformPermissionGrant): PlatformPermissionGrant | undefined => {
    const owner = (subject as Partial<OwnedGrant>)[GRANT_OWNER];
    if (owner === undefined) return undefined;
    if (owner !== set) throw foreignGrantError();
    return subject as PlatformPermissionGrant;
  };

  const permissionsFor = (subject: PlatformMembership): PlatformPermissionGrant & OwnedGrant => {
    if (!Array.isArray(subject?.platformRoles)) {
      throw new TenancyError('INVALID_INPUT', 'platform.permissionsFor() needs a subject with a platformRoles array.');
    }
    const { userId } = subject;
    const roles: readonly string[] = Object.freeze([...subject.platformRoles]);
    const allowed = set.effectiveFor(roles);
    const can = (permission: string): boolean => allowed.has(permission) || denied(userId, roles, permission);
    return {
      [GRANT_OWNER]: set,
      userId,
      can,
      assert(permission) {
        if (!can(permission)) throw platformDenied(permission);
      },
      explain: (permission) =>
        explainPermission(set, permission, [{ roles, heldIn: 'platform' }], 'platform', undefined),
    };
  };

  const can = (subject: PlatformMembership | PlatformPermissionGrant, permission: string): boolean => {
    const grant = grantOf(subject);
    if (grant !== undefined) return grant.can(permission);
    const { userId, platformRoles } = subject as PlatformMembership;
    // Fail closed on a subject without platform roles (e.g. a tenant membership passed by mistake from plain JS).
    if (!Array.isArray(platformRoles)) return denied(userId, [], permission);
    return decide(set, platformRoles, permission, 0) === ALLOW || denied(userId, platformRoles, permission);
  };

  const platform: PlatformPermissions = {
    roles: Object.freeze([...set.roles.keys()]),
    permissions: set.permissions,
    can,
    assert(subject, permission) {
      if (!can(subject, permission)) throw platformDenied(permission);
    },
    explain(subject, permission) {
      const grant = grantOf(subject);
      if (grant !== undefined) return grant.explain(permission);
      const roles = (subject as PlatformMembership).platformRoles;
      const held = [{ roles: Array.isArray(roles) ? roles : [], heldIn: 'platform' as const }];
      return explainPermission(set, permission, held, 'platform', undefined);
    },
    permissionsFor,
  };
  return Object.freeze(platform);
}

function platformDenied(permission: string): TenancyError {
  return new TenancyError('PERMISSION_DENIED', `Missing platform permission "${permission}".`, {
    details: { permission },
  });
}
