/** A principal's roles in one workspace of a tenant. */
export interface WorkspaceMembership {
  readonly workspaceId: string;
  readonly roles: readonly string[];
}

/**
 * A principal's membership of one tenant: the tenant-wide roles, and roles granted per workspace.
 * A tenant-wide role covers every workspace; a workspace role covers only that workspace.
 */
export interface Membership {
  readonly tenantId: string;
  readonly userId: string;
  readonly roles: readonly string[];
  readonly workspaces?: readonly WorkspaceMembership[] | undefined;
}
