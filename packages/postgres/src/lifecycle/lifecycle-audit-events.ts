// The audit events the lifecycle functions emit, added to core's event map (a declaration merge), so every sink sees
// them in its `switch (event.type)`. `principalId` is who acted; `null` when the system did.

declare module '@tenancy/core' {
  interface AuditEventMap {
    /** A tenant was created with its owner, default workspace and default roles. */
    'tenant.created': { readonly tenantId: string; readonly principalId: string | null; readonly slug: string };
    /** Name, plan, settings or branding of a tenant changed. */
    'tenant.updated': {
      readonly tenantId: string;
      readonly principalId: string | null;
      readonly fields: readonly string[];
    };
    /** A suspended tenant is active again. */
    'tenant.reactivated': { readonly tenantId: string; readonly principalId: string | null };
    /** A tenant was soft deleted: its slug and domains are free, its data waits for the purge. */
    'tenant.deleted': {
      readonly tenantId: string;
      readonly principalId: string | null;
      readonly reason?: string | undefined;
    };
    /** Everything a soft-deleted tenant owned was removed. */
    'tenant.purged': {
      readonly tenantId: string;
      readonly principalId: string | null;
      readonly rows: Readonly<Record<string, number>>;
    };
    /** A custom domain was added to, verified for or removed from a tenant. */
    'domain.changed': {
      readonly tenantId: string;
      readonly principalId: string | null;
      readonly domain: string;
      readonly change: 'added' | 'verified' | 'removed';
    };
    /** Someone was invited to a tenant. The token is never part of an event. */
    'member.invited': {
      readonly tenantId: string;
      readonly principalId: string | null;
      readonly invitationId: string;
      readonly roles: readonly string[];
    };
    /** An invitation was accepted: `userId` is now a member. */
    'member.joined': {
      readonly tenantId: string;
      readonly principalId: string;
      readonly invitationId: string;
      readonly roles: readonly string[];
    };
    /** A pending invitation was revoked. */
    'invitation.revoked': {
      readonly tenantId: string;
      readonly principalId: string | null;
      readonly invitationId: string;
    };
    /** A member's tenant-wide roles (or roles in one workspace) changed. */
    'member.roles_changed': {
      readonly tenantId: string;
      readonly principalId: string | null;
      readonly userId: string;
      readonly workspaceId?: string | undefined;
      readonly before: readonly string[];
      readonly after: readonly string[];
    };
    /** A member was removed from a tenant. */
    'member.removed': { readonly tenantId: string; readonly principalId: string | null; readonly userId: string };
  }
}

export {};
