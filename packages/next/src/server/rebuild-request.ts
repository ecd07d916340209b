import { TenancyError } from '@tenancy/core';
import { ORIGINAL_URL_HEADER, PROXY_HEADERS } from '../shared/forwarded-headers.js';

// A host name or bracketed IPv6 literal, optionally with a port. Core normalizes and validates the name itself.
const HOST_PATTERN = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s/\\?#@[\]:]+)(?::\d{1,5})?$/;

/**
 * Rebuilds the web `Request` core resolves, from the headers of the request being served: server components and
 * actions have headers but no URL. The host is the `Host` header; the path is the one the proxy saw (its
 * `x-tenancy-url`) when present, else `fallback.path`. `x-tenancy-*` headers never reach core.
 */
export function rebuildRequest(
  incoming: Headers,
  method: string,
  fallback: { readonly path: string; readonly host?: string | undefined },
): Request {
  const host = incoming.get('host') ?? fallback.host ?? null;
  if (host === null || !HOST_PATTERN.test(host)) {
    throw new TenancyError('INVALID_INPUT', 'The request has no valid Host header.', { details: { field: 'host' } });
  }
  const forwardedPath = incoming.get(ORIGINAL_URL_HEADER);
  const path = forwardedPath !== null && isOriginPath(forwardedPath) ? forwardedPath : fallback.path;
  const headers = new Headers(incoming);
  for (const name of PROXY_HEADERS) headers.delete(name);
  // The scheme does not take part in resolution; it only makes the URL absolute.
  const scheme = incoming.get('x-forwarded-proto') === 'https' ? 'https' : 'http';
  try {
    return new Request(`${scheme}://${host}${path}`, { method, headers });
  } catch (cause) {
    throw new TenancyError('INVALID_INPUT', 'The request has no valid Host header.', {
      details: { field: 'host' },
      cause,
    });
  }
}

// "/x?y", never "//other.example/x" (which would be read as a host) or an absolute URL.
function isOriginPath(value: string): boolean {
  return value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\');
}
