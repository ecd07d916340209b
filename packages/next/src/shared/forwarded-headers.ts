/**
 * The request header the tenancy proxy forwards the resolved tenant id in. The proxy always deletes it from incoming
 * requests first; the server helpers only compare it with their own resolution and never trust it alone.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/next.md#what-the-proxy-forwards
 */
export const TENANT_ID_HEADER = 'x-tenancy-tenant';

/**
 * The request header the tenancy proxy forwards the original path and query in (before any rewrite), because server
 * components cannot read the URL. A client that sets it itself only chooses a path, as it could with the URL.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/next.md#what-the-proxy-forwards
 */
export const ORIGINAL_URL_HEADER = 'x-tenancy-url';

/** Headers only the proxy may set: deleted from every incoming request, before anything reads the request. */
export const PROXY_HEADERS: readonly string[] = [TENANT_ID_HEADER, ORIGINAL_URL_HEADER];
