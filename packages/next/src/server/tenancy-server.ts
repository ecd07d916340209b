import type { ActionScope, ResolvedRequest, Tenancy, TenantContext, TenantRecord } from '@tenancy/core';
import { TenancyError } from '@tenancy/core';
import { cache } from 'react';
import { TENANT_ID_HEADER } from '../shared/forwarded-headers.js';
import { problemResponse } from '../shared/problem-response.js';
import type { TenantSummary, TenantSwitcherData } from '../shared/tenant-summary.js';
import { rebuildRequest } from './rebuild-request.js';

/** A resolution that runs in a tenant: `requireTenantContext()` returns only these. */
export type TenantScopedRequest<TPermission extends string = string> = ResolvedRequest<TPermission> & {
  readonly tenant: TenantRecord;
  readonly context: TenantContext;
};

/** What a route handler wrapped by `withTenant()` gets besides the request: Next's route context and the resolution. */
export type WithTenantContext<TRouteContext, TPermission extends string> = TRouteContext & {
  readonly tenancy: ResolvedRequest<TPermission>;
};

/** Options for `withTenant()`. */
export interface WithTenantOptions<TPermission extends string> {
  /** Refuse the request (401/403 problem) unless the principal holds this permission in the tenant. */
  permission?: TPermission | undefined;
  /** The workspace `permission` is checked in, e.g. from the route params; tenant-wide when it returns undefined. */
  workspaceId?: ((request: Request) => string | undefined) | undefined;
}

/** Options for {@link createTenancyServer}. */
export interface TenancyServerOptions {
  /** Where a tenant's app lives, for tenant switchers, e.g. `(t) => \`https://${t.slug}.example.com\``. */
  tenantUrl?: ((tenant: TenantRecord) => string) | undefined;
  /**
   * Called with every error a `withTenant()` handler answers as 500 (non-tenancy errors, DATABASE_ERROR, INTERNAL,
   * INVALID_CONFIG), for your logger. Default: `console.error`. The client never sees these errors.
   */
  onError?: ((error: unknown, request: Request) => void) | undefined;
}

/** The server helpers made by {@link createTenancyServer}. */
export interface TenancyServer<TPermission extends string = string> {
  /**
   * Resolves the current request (server component, server action, route handler) through core, once per request.
   * Throws the resolution's TenancyError (unknown tenant, suspended, not a member, bad token, or TENANT_AMBIGUOUS
   * when the proxy forwarded another tenant). `context` is `undefined` when the request may not act in a tenant.
   */
  getTenantContext(): Promise<ResolvedRequest<TPermission>>;
  /** Like `getTenantContext()`, and throws TENANT_REQUIRED unless the request runs in a tenant. */
  requireTenantContext(): Promise<TenantScopedRequest<TPermission>>;
  /** Runs `fn` inside the current request's tenant context (TENANT_REQUIRED without one): for components and actions. */
  runInTenant<T>(fn: (tenancy: TenantScopedRequest<TPermission>) => T | Promise<T>): Promise<T>;
  /**
   * Wraps a route handler: resolves its request, runs it inside the tenant context when there is one (outside it,
   * tenant-scoped data refuses), and answers TenancyErrors as `application/problem+json`.
   */
  withTenant<TRouteContext = unknown>(
    handler: (request: Request, context: WithTenantContext<TRouteContext, TPermission>) => Response | Promise<Response>,
    options?: WithTenantOptions<TPermission>,
  ): (request: Request, context: TRouteContext) => Promise<Response>;
  /** The current tenant and the user's tenants, as serializable props for `TenantProvider`. */
  getTenantSwitcherData(): Promise<TenantSwitcherData>;
}

/** Reads the headers of the request being served; `next/headers` in an app, plain `Headers` in tests. */
export type ReadRequestHeaders = () => Promise<Headers>;

/** Builds the helpers on a headers reader: {@link createTenancyServer} passes `next/headers`. */
export function createTenancyServerWith<TPermission extends string>(
  tenancy: Tenancy<TPermission>,
  options: TenancyServerOptions,
  readHeaders: ReadRequestHeaders,
): TenancyServer<TPermission> {
  const resolveHeaders = async (incoming: Headers, method: string, fallback: { path: string; host?: string }) => {
    const resolved = await tenancy.resolve(rebuildRequest(incoming, method, fallback));
    // The proxy's answer is a hint to compare, never a source: a request that skipped the proxy could carry any
    // value here, and one that disagrees with core is refused rather than served as either tenant.
    const forwarded = incoming.get(TENANT_ID_HEADER);
    if (forwarded !== null && forwarded !== resolved.tenant?.id) {
      throw new TenancyError('TENANT_AMBIGUOUS', 'The tenant forwarded by the proxy does not match this request.');
    }
    return resolved;
  };

  // React's cache() scopes this to one server request: components, layouts and actions of it share one resolution.
  const getTenantContext = cache(async () => resolveHeaders(await readHeaders(), 'GET', { path: '/' }));

  const requireTenantContext = async (): Promise<TenantScopedRequest<TPermission>> =>
    requireScoped(await getTenantContext());

  return {
    getTenantContext,
    requireTenantContext,
    async runInTenant(fn) {
      const scoped = await requireTenantContext();
      return tenancy.run(scoped, () => fn(scoped));
    },
    withTenant(handler, handlerOptions = {}) {
      const { permission, workspaceId } = handlerOptions;
      return async (request, routeContext) => {
        try {
          const url = new URL(request.url);
          const resolved = await resolveHeaders(request.headers, request.method, {
            path: `${url.pathname}${url.search}`,
            host: url.host,
          });
          if (permission !== undefined) {
            const id = workspaceId?.(request);
            resolved.assert(permission, id === undefined ? undefined : ({ workspaceId: id } satisfies ActionScope));
          }
          const context = { ...(routeContext as object), tenancy: resolved } as WithTenantContext<
            typeof routeContext,
            TPermission
          >;
          if (resolved.context === undefined) return await handler(request, context);
          return await tenancy.run(resolved, () => handler(request, context));
        } catch (error) {
          const response = problemResponse(error);
          if (response.status >= 500) reportSafely(options.onError, error, request);
          return response;
        }
      };
    },
    async getTenantSwitcherData() {
      const resolved = await getTenantContext();
      const summary = (tenant: TenantRecord, roles: readonly string[]): TenantSummary => ({
        id: tenant.id,
        slug: tenant.slug,
        name: tenant.name,
        url: options.tenantUrl?.(tenant) ?? null,
        roles: [...roles],
      });
      const choices = resolved.principal === undefined ? [] : await tenancy.tenantsFor(resolved.principal);
      return {
        current:
          resolved.context === undefined || resolved.tenant === undefined
            ? null
            : summary(resolved.tenant, resolved.membership?.roles ?? []),
        tenants: choices.map((choice) => summary(choice.tenant, choice.membership.roles)),
      };
    },
  };
}

function reportSafely(
  onError: ((error: unknown, request: Request) => void) | undefined,
  error: unknown,
  request: Request,
): void {
  try {
    (onError ?? ((e: unknown) => console.error(e)))(error, request);
  } catch {
    // A failing logger must not turn a 500 answer into an unhandled rejection.
  }
}

function requireScoped<TPermission extends string>(
  resolved: ResolvedRequest<TPermission>,
): TenantScopedRequest<TPermission> {
  if (resolved.context === undefined || resolved.tenant === undefined) {
    throw new TenancyError('TENANT_REQUIRED', 'This page needs a tenant you are a member of.');
  }
  return resolved as TenantScopedRequest<TPermission>;
}
