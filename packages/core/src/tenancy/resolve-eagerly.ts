import { twinOf, withTwin } from '../method-twin.js';
import type { RequestLike } from '../resolve/request-like.js';
import { toFullRequest } from '../resolve/request-like.js';
import type { ResolvedRequest, ResolveRequestOptions, Tenancy } from './tenancy.js';

// The `resolve` of a tenancy `createTenancy()` made carries, under this key, its promise-free twin (see method-twin.ts):
// a tenancy that replaces `resolve` (`{ ...tenancy, resolve: mine }`) is answered by its own method.
const RESOLVE_EAGER = Symbol.for('tenancy.resolveEager.v1');

type EagerResolve<TPermission extends string> = (
  request: Request | RequestLike,
  options?: ResolveRequestOptions | undefined,
) => ResolvedRequest<TPermission> | Promise<ResolvedRequest<TPermission>>;

/** Gives `resolve` its promise-free twin `eager`, for {@link resolveEagerly}. */
export function withEagerResolve<TPermission extends string>(
  resolve: (
    request: Request | RequestLike,
    options?: ResolveRequestOptions | undefined,
  ) => Promise<ResolvedRequest<TPermission>>,
  eager: EagerResolve<TPermission>,
): Tenancy<TPermission>['resolve'] {
  return withTwin(resolve, RESOLVE_EAGER, eager);
}

/**
 * `tenancy.resolve(request, options)` for adapters: takes a web `Request` or a `RequestLike`, and returns the resolution
 * itself, not a promise, when every answer was in memory (a token that verified before, a cached tenant and
 * membership), so the adapter can run the rest of the request without waiting for a microtask; otherwise the promise
 * `resolve()` returns. An error known at once is thrown rather than returned as a rejected promise, so call it inside
 * `try`. A `Tenancy` not made by `createTenancy()`, or one whose `resolve` was replaced, is answered by its own
 * `resolve()`, handed a full `Request` (built from a RequestLike with `toRequest()`), as it always was.
 * @example
 * let resolved;
 * try {
 *   resolved = resolveEagerly(tenancy, request);
 * } catch (error) {
 *   return fail(error);
 * }
 * if (resolved instanceof Promise) resolved.then(proceed, fail);
 * else proceed(resolved);
 * @see https://github.com/tenancy/tenancy/blob/main/docs/express.md#performance
 */
export function resolveEagerly<TPermission extends string>(
  tenancy: Tenancy<TPermission>,
  request: Request | RequestLike,
  options?: ResolveRequestOptions | undefined,
): ResolvedRequest<TPermission> | Promise<ResolvedRequest<TPermission>> {
  const eager = twinOf<EagerResolve<TPermission>>(tenancy.resolve, RESOLVE_EAGER);
  if (eager !== undefined) return eager(request, options);
  // Another Tenancy's promise is made a native one: callers tell the two answers apart with `instanceof Promise`.
  return Promise.resolve(tenancy.resolve(toFullRequest(request), options));
}
