import type { Request as ExpressRequest } from 'express';
import type { RequestTarget } from './request-target.js';
import { isHiddenHeader, requestTargetOf, unsupportedMethod } from './request-target.js';

/**
 * Turns an Express request into a web `Request`: method, URL and headers, never the body (the stream stays unread for
 * the body parsers). The host is Express's `req.host`, so the app's `trust proxy` setting alone decides whether
 * `X-Forwarded-Host` counts; the forwarded-host headers themselves are not passed on. `tenancyMiddleware()` does not
 * need it (it hands core a cheaper view of the same request); use it to call core yourself.
 * Throws INVALID_INPUT when the request has no usable host, or a method a `Request` cannot carry (CONNECT, TRACE).
 * @example
 * const resolved = await tenancy.resolve(toWebRequest(req));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/express.md#how-the-request-reaches-core
 */
export function toWebRequest(req: ExpressRequest): Request {
  return buildWebRequest(req, requestTargetOf(req));
}

/** The web `Request` of an Express request whose host and URL are already checked (see `requestTargetOf`). */
export function buildWebRequest(req: ExpressRequest, target: RequestTarget): Request {
  const { host, url } = target;
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (isHiddenHeader(name)) continue;
    headers.append(name, raw[i + 1] as string);
  }
  headers.set('host', host);

  try {
    return new Request(url, { method: req.method, headers });
  } catch (cause) {
    // CONNECT, TRACE and TRACK cannot be expressed as a fetch Request; they never carry a tenant's work.
    throw unsupportedMethod(req.method, cause);
  }
}
