/**
 * A tenant as a client component may see it: identifiers, display name, where it lives, and the user's own roles in
 * it. Plain serializable data; never the tenant's settings, plan or anything secret.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/next.md#tenant-switcher
 */
export interface TenantSummary {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  /** Where the tenant's app lives (from `tenantUrl`), or `null` when no `tenantUrl` was configured. */
  readonly url: string | null;
  /** The current user's tenant-wide roles in this tenant. For display only: permission checks stay on the server. */
  readonly roles: readonly string[];
}

/**
 * What `TenantProvider` hands to client components: the tenant of the current request and every tenant the user can
 * switch to. Made on the server by `getTenantSwitcherData()`.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/next.md#tenant-switcher
 */
export interface TenantSwitcherData {
  /** The tenant this request runs in, or `null` (no tenant, or the user may not act in it). */
  readonly current: TenantSummary | null;
  /** The active tenants the user is a member of; empty for anonymous requests. */
  readonly tenants: readonly TenantSummary[];
}
