import type { ResolvedRequest, ResolveRequestOptions, Tenancy, TenantRecord } from '@tenancy/core';
import { isTenancyError, TenancyError } from '@tenancy/core';
import type { NextRequest } from 'next/server.js';
import { NextResponse } from 'next/server.js';
import { ORIGINAL_URL_HEADER, PROXY_HEADERS, TENANT_ID_HEADER } from '../shared/forwarded-headers.js';
import { problemResponse } from '../shared/problem-response.js';

/** What a rewrite function gets: the resolved tenant, and a copy of the request URL to change and return. */
export interface TenancyRewriteInput {
  readonly tenant: TenantRecord;
  readonly url: URL;
  readonly request: NextRequest;
}

/** Options for {@link createTenancyProxy}. */
export interface TenancyProxyOptions {
  /**
   * Route tenant requests to a tenant segment of the app. A path prefix: with `'/t'`, `acme.example.com/x` is served
   * by `app/t/[tenant]/x` as `/t/acme/x` (the browser still shows `/x`); a path already under `/t/acme` stays as is.
   * Or a function returning the path or same-origin URL to serve, or `undefined` for no rewrite.
   * Default: no rewrite.
   */
  rewrite?: string | ((input: TenancyRewriteInput) => string | URL | undefined) | undefined;
  /** Which tenant field fills the segment of a prefix `rewrite`. Default `slug`. */
  segment?: 'slug' | 'id' | undefined;
  /**
   * Answers requests whose resolution failed (unknown tenant, suspended, not a member, bad token). Default: an
   * `application/problem+json` response with the status of `httpStatusOf(code)`. Return a rewrite to your own page
   * instead, e.g. `NextResponse.rewrite(new URL('/tenant-not-found', request.url), { status: 404 })`.
   */
  onError?: ((error: TenancyError, request: NextRequest) => Response | Promise<Response>) | undefined;
  /** Per-request options for `tenancy.resolve()` (the audited platform path). */
  resolveOptions?: ((request: NextRequest) => ResolveRequestOptions | undefined) | undefined;
}

/** Extra request headers your own proxy logic forwards to the app along with tenancy's. */
export interface TenancyProxyCallOptions {
  /** Set on the forwarded request. Tenancy's own headers (`x-tenancy-*`) cannot be set this way. */
  requestHeaders?: HeadersInit | undefined;
}

/**
 * The function `createTenancyProxy()` returns: export it as `proxy` (Next 16 `proxy.ts`) or `middleware` (Next 15
 * `middleware.ts`), or call it from your own.
 */
export type TenancyProxy = (request: NextRequest, options?: TenancyProxyCallOptions) => Promise<Response>;

/**
 * Creates the proxy (Next 16 `proxy.ts`) or middleware (Next 15 `middleware.ts`) that resolves the tenant of each
 * request through core, optionally rewrites it to the app's tenant segment, and forwards the resolved tenant id in
 * `x-tenancy-tenant`. It deletes `x-tenancy-*` headers from every incoming request first, so a client cannot inject
 * them. Server helpers still re-resolve on their own: this is routing, not the security boundary.
 * @example
 * // proxy.ts
 * import { createTenancyProxy } from '@tenancy/next/proxy';
 * import { tenancy } from './lib/tenancy';
 *
 * export const proxy = createTenancyProxy(tenancy, { rewrite: '/t' });
 * export const config = { matcher: ['/((?!_next/|favicon.ico).*)'] };
 * @see https://github.com/tenancy/tenancy/blob/main/docs/next.md#the-proxy
 */
export function createTenancyProxy<TPermission extends string>(
  tenancy: Tenancy<TPermission>,
  options: TenancyProxyOptions = {},
): TenancyProxy {
  const { rewrite, segment = 'slug', onError = defaultOnError, resolveOptions } = options;
  const prefix = typeof rewrite === 'string' ? checkPrefix(rewrite) : undefined;

  return async function tenancyProxy(request, callOptions = {}) {
    const forwarded = sanitizedHeaders(request.headers);
    const url = new URL(request.url);

    let resolved: ResolvedRequest<TPermission>;
    try {
      // Core sees the sanitized headers too: a header strategy must never read a value only the proxy may write.
      resolved = await tenancy.resolve(
        new Request(url, { method: request.method, headers: forwarded }),
        resolveOptions?.(request),
      );
    } catch (error) {
      if (isTenancyError(error)) return onError(error, request);
      throw error;
    }

    forwarded.set(ORIGINAL_URL_HEADER, `${url.pathname}${url.search}`);
    if (resolved.tenant !== undefined) forwarded.set(TENANT_ID_HEADER, resolved.tenant.id);
    if (callOptions.requestHeaders !== undefined) {
      for (const [name, value] of new Headers(callOptions.requestHeaders)) {
        if (!PROXY_HEADERS.includes(name)) forwarded.set(name, value);
      }
    }

    const target =
      resolved.tenant === undefined
        ? undefined
        : prefix !== undefined
          ? prefixRewrite(request, resolved.tenant[segment], prefix)
          : typeof rewrite === 'function'
            ? sameOrigin(rewrite({ tenant: resolved.tenant, url: new URL(request.url), request }), request)
            : undefined;
    return target === undefined
      ? NextResponse.next({ request: { headers: forwarded } })
      : NextResponse.rewrite(target, { request: { headers: forwarded } });
  };
}

function defaultOnError(error: TenancyError): Response {
  return problemResponse(error);
}

/** A copy of the incoming headers without the ones only the proxy may write. */
function sanitizedHeaders(incoming: Headers): Headers {
  const headers = new Headers(incoming);
  for (const name of PROXY_HEADERS) headers.delete(name);
  return headers;
}

function checkPrefix(prefix: string): string {
  if (!/^(?:\/[A-Za-z0-9._~-]+)+$/.test(prefix)) {
    throw new TenancyError(
      'INVALID_CONFIG',
      'createTenancyProxy(): invalid option at "rewrite": a prefix is one or more "/segment"s, like "/t".',
      { details: { path: ['rewrite'] } },
    );
  }
  return prefix;
}

function prefixRewrite(request: NextRequest, value: string, prefix: string): URL | undefined {
  const base = `${prefix}/${encodeURIComponent(value)}`;
  const pathname = request.nextUrl.pathname;
  // Already the tenant's own segment: nothing to do. Any other path, including another tenant's segment, is nested
  // under this tenant's, so the path can never route a request to a tenant it did not resolve to.
  if (pathname === base || pathname.startsWith(`${base}/`)) return undefined;
  const next = request.nextUrl.clone();
  next.pathname = pathname === '/' ? base : `${base}${pathname}`;
  return onServerOrigin(new URL(next.href), request);
}

function sameOrigin(target: string | URL | undefined, request: NextRequest): URL | undefined {
  if (target === undefined) return undefined;
  const url = new URL(target, request.url);
  // A rewrite to another origin would send the forwarded headers (and the user's cookies) to that server.
  if (url.origin !== new URL(request.url).origin) {
    throw new TenancyError('INVALID_CONFIG', 'createTenancyProxy(): a rewrite must stay on the same origin.', {
      details: { path: ['rewrite'] },
    });
  }
  return onServerOrigin(url, request);
}

// Next serves a rewrite itself only when it is on the origin of `request.url` (the server's own address, not the
// client's Host); anything else it proxies as an external request.
function onServerOrigin(url: URL, request: NextRequest): URL {
  return new URL(`${url.pathname}${url.search}`, request.url);
}
