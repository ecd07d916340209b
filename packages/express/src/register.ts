import type { ResolvedRequest, Tenancy } from '@tenancy/core';

/**
 * Register your tenancy's type here to type `req.tenancy` and `requirePermission()` with your permission names.
 * Unregistered, permissions are plain strings.
 * @example
 * declare module '@tenancy/express' {
 *   interface Register {
 *     tenancy: typeof tenancy;
 *   }
 * }
 * @see https://github.com/tenancy/tenancy/blob/main/docs/express.md#typed-permissions
 */
// biome-ignore lint/suspicious/noEmptyInterface: declaration merging point, filled by the user's `declare module`.
export interface Register {}

/** The permission names of a `Tenancy<P>`: `P`, or `string` for anything else. */
export type TenancyPermission<T> = T extends Tenancy<infer P> ? P : string;

/** The permission names of the registered tenancy, or `string` when none is registered. */
export type RegisteredPermission = Register extends { tenancy: infer T } ? TenancyPermission<T> : string;

/** What `tenancyMiddleware()` puts on `req.tenancy`: the resolution of the request, typed by {@link Register}. */
export type RequestTenancy = ResolvedRequest<RegisteredPermission>;
