import type { TenantJobPayload } from '../context/job-payload.js';
import type { TenantContext } from '../context/tenant-context.js';
import type { Membership } from '../model/membership.js';
import type { Principal } from '../model/principal.js';
import type { TenantRecord } from '../model/tenant.js';
import type { CachedTenantStore } from '../store/cached-tenant-store.js';

/** Where in a tenant an action happens: tenant-wide when omitted, or inside one workspace. */
export interface ActionScope {
  readonly workspaceId: string;
}

/** Options for one call of {@link Tenancy.resolve}. */
export interface ResolveRequestOptions {
  /**
   * Act through the audited platform path: a platform admin may act in a tenant it is not a member of. The reason
   * is required and lands in the `platform.access` audit event. A non-admin asking for it gets PERMISSION_DENIED.
   */
  platform?: { readonly reason: string } | undefined;
}

/**
 * Everything tenancy learned about one request. `context` is what the request runs in; it is set only when a tenant
 * was resolved AND the principal may act in it (a member, or a platform admin on the platform path), or when the
 * tenancy allows anonymous tenant context. Otherwise it is `undefined` and tenant data stays out of reach.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md
 */
export interface ResolvedRequest<TPermission extends string = string> {
  /** The tenant the request resolved to; `undefined` when no strategy yielded one. */
  readonly tenant: TenantRecord | undefined;
  /** The verified principal; `undefined` for anonymous requests. */
  readonly principal: Principal | undefined;
  /** The principal's membership of `tenant`, when both are known. */
  readonly membership: Membership | undefined;
  /** The context to run the rest of the request in, or `undefined` (fail closed). */
  readonly context: TenantContext | undefined;
  /** The strategies that yielded the tenant, in order (e.g. `['subdomain', 'header']`). */
  readonly sources: readonly string[];
  /** True when the principal may do `permission` in this tenant (or in `scope.workspaceId`). Never throws. */
  can(permission: TPermission, scope?: ActionScope | undefined): boolean;
  /**
   * Throws the error that explains why the principal may not do `permission`: TENANT_REQUIRED without a tenant,
   * UNAUTHENTICATED without a principal, MEMBERSHIP_REQUIRED, PERMISSION_DENIED.
   */
  assert(permission: TPermission, scope?: ActionScope | undefined): void;
}

/** A tenant and the principal's membership of it, for tenant switchers. */
export interface TenantChoice {
  readonly tenant: TenantRecord;
  readonly membership: Membership;
}

/**
 * The SDK's entry point, made by `createTenancy()`. Adapters call `resolve()` for every request and run the rest of
 * the request inside `run()`.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md
 */
export interface Tenancy<TPermission extends string = string> {
  /**
   * Resolves the tenant, verifies the principal and its membership, compiles its permissions. Adapters that hold a
   * `RequestLike` instead of a `Request` call `resolveEagerly(tenancy, requestLike)`.
   * Throws TenancyError: TENANT_NOT_FOUND, TENANT_SUSPENDED, TENANT_AMBIGUOUS, UNAUTHENTICATED, MEMBERSHIP_REQUIRED,
   * INVALID_INPUT, PERMISSION_DENIED (platform path without platform admin).
   */
  // A `Request` only, also where `createTenancy()`'s own resolve takes a RequestLike too: code that wraps `resolve`
  // (`{ ...tenancy, resolve: mine }`) was written for a `Request` and keeps getting one (see resolveEagerly).
  resolve(request: Request, options?: ResolveRequestOptions | undefined): Promise<ResolvedRequest<TPermission>>;
  /** Runs `fn` inside `resolved.context`; throws TENANT_REQUIRED when there is none. */
  run<T>(resolved: ResolvedRequest<TPermission>, fn: () => T): T;
  /** Re-enters a job's tenant after re-reading it (status, membership) from the store. */
  runJob<T>(payload: TenantJobPayload | unknown, fn: (context: TenantContext) => T | Promise<T>): Promise<T>;
  /** The tenants a principal belongs to (active ones only), for a tenant switcher. */
  tenantsFor(principal: Principal): Promise<readonly TenantChoice[]>;
  /** The (cached) tenant store; call `invalidateTenant(id)` after changing a tenant. */
  readonly store: CachedTenantStore;
}
