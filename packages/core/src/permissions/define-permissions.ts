import { TenancyError } from '../errors/tenancy-error.js';
import type { Membership } from '../model/membership.js';
import { ALLOW, compileRoleSet, DENY, decide } from './compile-role-set.js';
import type { PermissionOf, PermissionsDeclaration, ResourceMap } from './declaration.js';
import { explainPermission, type HeldRoles } from './explain-permission.js';
import { foreignGrantError, GRANT_OWNER, type OwnedGrant } from './grant-owner.js';
import { parsePermissionsDeclaration } from './parse-permissions-declaration.js';
import type {
  DefinePermissionsOptions,
  PermissionGrant,
  PermissionModel,
  PermissionScope,
} from './permission-model.js';
import { createPlatformPermissions } from './platform-permissions.js';
import { denialReason, reportDenial } from './report-denial.js';
import { createTenantGrant, permissionDenied } from './tenant-grant.js';

const NO_PLATFORM = { resources: {}, roles: {} } as const;

/**
 * Declares roles and permissions and compiles them once into a model whose checks are a few hash lookups.
 * Permission names are typed from `resources`, so a misspelt permission is a compile error. Throws `INVALID_CONFIG`
 * (with the path) for an unknown resource, action or inherited role, a malformed pattern, or an inheritance cycle.
 * @example
 * const permissions = definePermissions({
 *   resources: { project: ['read', 'create', 'delete'], billing: ['read', 'update'] },
 *   roles: {
 *     viewer: { allow: ['project:read'] },
 *     member: { inherits: ['viewer'], allow: ['project:create'] },
 *     admin: { inherits: ['member'], allow: ['project:*', 'billing:read'] },
 *     owner: { inherits: ['admin'], allow: ['*'] },
 *   },
 * });
 * permissions.can({ tenantId, userId, roles: ['member'] }, 'project:create'); // true
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md
 */
export function definePermissions<
  const TResources extends ResourceMap,
  const TRole extends string,
  const TPlatformResources extends ResourceMap = Record<never, never>,
  const TPlatformRole extends string = never,
>(
  declaration: PermissionsDeclaration<TResources, TRole, TPlatformResources, TPlatformRole>,
  options: DefinePermissionsOptions = {},
): PermissionModel<PermissionOf<TResources>, TRole, PermissionOf<TPlatformResources>, TPlatformRole> {
  const parsed = parsePermissionsDeclaration(declaration);
  if (options.audit !== undefined && typeof options.audit !== 'function') {
    throw new TenancyError('INVALID_CONFIG', 'Invalid permissions options at "audit": expected a function.', {
      details: { path: ['audit'] },
    });
  }
  // Copied so that changing the options object later cannot switch auditing off behind the model's back.
  const settings: DefinePermissionsOptions = { audit: options.audit, onAuditError: options.onAuditError };
  const set = compileRoleSet(parsed);

  const denied = (subject: Membership, permission: string, workspaceId: string | undefined): false => {
    if (settings.audit === undefined) return false;
    const extra = workspaceId === undefined ? undefined : workspaceRolesOf(subject, workspaceId);
    reportDenial(settings, {
      tenantId: subject.tenantId,
      principalId: subject.userId,
      permission,
      scope: workspaceId === undefined ? 'tenant' : 'workspace',
      ...(workspaceId === undefined ? {} : { workspaceId }),
      reason: denialReason(set, permission, Array.isArray(subject.roles) ? subject.roles : [], extra),
    });
    return false;
  };

  const grantOf = (subject: Membership | PermissionGrant): PermissionGrant | undefined => {
    const owner = (subject as Partial<OwnedGrant>)[GRANT_OWNER];
    if (owner === undefined) return undefined;
    if (owner !== set) throw foreignGrantError();
    return subject as PermissionGrant;
  };

  const can = (subject: Membership | PermissionGrant, permission: string, scope?: PermissionScope): boolean => {
    const membership = subject as Membership;
    const roles = membership.roles;
    const workspaceId = scope?.workspaceId;
    // Grants have no `roles`: testing for it first keeps the symbol lookup off the membership path.
    if (roles === undefined) {
      const grant = grantOf(subject);
      return grant !== undefined ? grant.can(permission, scope) : denied(membership, permission, workspaceId);
    }
    let state = decide(set, roles, permission, 0);
    // Workspace roles only count inside their own workspace; skipped entirely when the answer is already final.
    if (workspaceId !== undefined && state !== DENY && (state !== ALLOW || set.hasDeny)) {
      const workspaces = membership.workspaces;
      if (workspaces !== undefined) {
        for (let i = 0; i < workspaces.length; i++) {
          const workspace = workspaces[i]!;
          if (workspace.workspaceId !== workspaceId) continue;
          state = decide(set, workspace.roles, permission, state);
          if (state === DENY) break;
        }
      }
    }
    return state === ALLOW || denied(membership, permission, workspaceId);
  };

  const model: PermissionModel = {
    roles: Object.freeze([...set.roles.keys()]),
    permissions: set.permissions,
    can,
    assert(subject, permission, scope) {
      if (!can(subject, permission, scope)) throw permissionDenied(permission, scope);
    },
    explain(subject, permission, scope) {
      const grant = grantOf(subject);
      if (grant !== undefined) return grant.explain(permission, scope);
      const membership = subject as Membership;
      const workspaceId = scope?.workspaceId;
      const held: HeldRoles[] = [{ roles: Array.isArray(membership.roles) ? membership.roles : [], heldIn: 'tenant' }];
      const extra = workspaceId === undefined ? undefined : workspaceRolesOf(membership, workspaceId);
      if (extra !== undefined) held.push({ roles: extra, heldIn: 'workspace' });
      return explainPermission(set, permission, held, workspaceId === undefined ? 'tenant' : 'workspace', workspaceId);
    },
    permissionsFor: (membership) => createTenantGrant(set, membership, settings),
    platform: createPlatformPermissions(compileRoleSet(parsed.platform ?? NO_PLATFORM), settings),
  };
  // The cast narrows `string` to the declared unions; the runtime checks every name against the compiled sets anyway.
  return Object.freeze(model) as PermissionModel<
    PermissionOf<TResources>,
    TRole,
    PermissionOf<TPlatformResources>,
    TPlatformRole
  >;
}

function workspaceRolesOf(membership: Membership, workspaceId: string): readonly string[] | undefined {
  const matching = membership.workspaces?.filter((workspace) => workspace.workspaceId === workspaceId) ?? [];
  return matching.length === 0 ? undefined : matching.flatMap((workspace) => workspace.roles);
}
