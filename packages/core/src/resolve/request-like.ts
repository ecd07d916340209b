/** The headers of a {@link RequestLike}: read one at a time, like `Headers.get`. */
export interface RequestLikeHeaders {
  /**
   * The value of the header `name` (case-insensitive), or `null` when the request has none. A header sent more than
   * once comes back as its values joined with ", ", exactly as `Headers.get` returns it.
   */
  get(name: string): string | null;
}

/**
 * What resolution reads from a request, for adapters that can serve it cheaper than a web `Request` built for every
 * request (the Express adapter reads headers from the Node request on demand). `resolveEagerly(tenancy, …)` and
 * tenant resolvers accept a `Request` or this. Core reads `url` and `headers` only; `toRequest()` runs when a strategy
 * asks for `input.request` (typically a `fromCallback()` strategy), or when an identity not made by `createIdentity()`
 * or a replaced `tenancy.resolve` needs the whole request.
 * @example
 * const requestLike: RequestLike = {
 *   url: 'https://acme.example.com/projects',
 *   headers: { get: (name) => (name.toLowerCase() === 'host' ? 'acme.example.com' : null) },
 *   toRequest: () => new Request('https://acme.example.com/projects', { headers: { host: 'acme.example.com' } }),
 * };
 * const resolved = await resolveEagerly(tenancy, requestLike);
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md
 */
export interface RequestLike {
  /**
   * The absolute URL the client asked for, serialized as `URL.href` serializes it (dot segments removed, still
   * percent-encoded): path and query strategies read it as they would read `Request.url`.
   */
  readonly url: string;
  readonly headers: RequestLikeHeaders;
  /** The same request as a web `Request` with every header `headers` serves. Called only when needed, maybe twice. */
  toRequest(): Request;
}

/** True for a {@link RequestLike}, false for a web `Request` (of any implementation: it has no `toRequest`). */
export function isRequestLike(request: Request | RequestLike): request is RequestLike {
  return typeof (request as Partial<RequestLike>).toRequest === 'function';
}

/** The web `Request` of either form. */
export function toFullRequest(request: Request | RequestLike): Request {
  return isRequestLike(request) ? request.toRequest() : request;
}
