import { TenancyError } from '@tenancy/core';
import type { Request as ExpressRequest } from 'express';

// A host name or bracketed IPv6 literal, optionally with a port. Core normalizes and validates the name itself.
const HOST_PATTERN = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s/\\?#@[\]:]+)(?::\d{1,5})?$/;

// Dropped because Express already applied its `trust proxy` setting to compute the host: core must not get a second
// chance to read a forwarded host, or a client could pick the tenant on an app that does not trust any proxy.
const FORWARDED_HOST_HEADERS: ReadonlySet<string> = new Set(['x-forwarded-host', 'forwarded']);

/**
 * Turns an Express request into a web `Request` for `tenancy.resolve()`: method, URL and headers, never the body (the
 * stream stays unread for the body parsers). The host is Express's `req.host`, so the app's `trust proxy` setting
 * alone decides whether `X-Forwarded-Host` counts; the forwarded-host headers themselves are not passed on.
 * Throws INVALID_INPUT when the request has no usable host.
 * @example
 * const resolved = await tenancy.resolve(toWebRequest(req));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/express.md#how-the-request-reaches-core
 */
export function toWebRequest(req: ExpressRequest): Request {
  const host = req.host;
  if (host === undefined || host === '') {
    throw new TenancyError('INVALID_INPUT', 'The request has no Host header.', { details: { field: 'host' } });
  }
  // Characters that would move the authority boundary ("evil@acme.example.com", "a/b") make the URL and the Host
  // header name different hosts; refuse them instead of letting two readers disagree.
  if (!HOST_PATTERN.test(host)) {
    throw new TenancyError('INVALID_INPUT', 'The Host header is malformed.', { details: { field: 'host' } });
  }
  let url: URL;
  try {
    url = new URL(`${req.protocol}://${host}${pathOf(req.originalUrl)}`);
  } catch (cause) {
    throw new TenancyError('INVALID_INPUT', 'The Host header is malformed.', { details: { field: 'host' }, cause });
  }

  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    // HTTP/2 pseudo-headers (":authority") are not header fields and `Headers` refuses them.
    if (name === 'host' || name.charCodeAt(0) === 0x3a || FORWARDED_HOST_HEADERS.has(name)) continue;
    headers.append(name, raw[i + 1] as string);
  }
  headers.set('host', host);

  try {
    return new Request(url, { method: req.method, headers });
  } catch (cause) {
    // CONNECT, TRACE and TRACK cannot be expressed as a fetch Request; they never carry a tenant's work.
    throw new TenancyError('INVALID_INPUT', `The method ${req.method} is not supported.`, {
      details: { field: 'method' },
      cause,
    });
  }
}

// `originalUrl` is the request target: origin-form ("/x?y") almost always, but a client may send the absolute form
// ("http://other.example/x") or "*". Only the path and query of it are ours to keep; the host comes from `req.host`.
function pathOf(target: string): string {
  if (target.startsWith('/')) return target;
  if (target === '*') return '/';
  try {
    const parsed = new URL(target);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return '/';
  }
}
