import { TenancyError } from '@tenancy/core';
import type { Request as ExpressRequest } from 'express';

// A host name or bracketed IPv6 literal, optionally with a port. Core normalizes and validates the name itself.
const HOST_PATTERN = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s/\\?#@[\]:]+)(?::\d{1,5})?$/;

// Dropped because Express already applied its `trust proxy` setting to compute the host: core must not get a second
// chance to read a forwarded host, or a client could pick the tenant on an app that does not trust any proxy.
const FORWARDED_HOST_HEADERS: ReadonlySet<string> = new Set(['x-forwarded-host', 'forwarded']);

// The methods a fetch `Request` refuses (case-insensitive). They never carry a tenant's work.
const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Where an Express request goes, as core sees it: the host Express computed and the absolute URL. */
export interface RequestTarget {
  readonly host: string;
  readonly url: URL;
}

/**
 * The host (Express's `req.host`, so `trust proxy` decides about `X-Forwarded-Host`) and the URL of a request.
 * Throws INVALID_INPUT when the host is missing or malformed.
 */
export function requestTargetOf(req: ExpressRequest): RequestTarget {
  const host = req.host;
  if (host === undefined || host === '') {
    throw new TenancyError('INVALID_INPUT', 'The request has no Host header.', { details: { field: 'host' } });
  }
  // Characters that would move the authority boundary ("evil@acme.example.com", "a/b") make the URL and the Host
  // header name different hosts; refuse them instead of letting two readers disagree.
  if (!HOST_PATTERN.test(host)) {
    throw new TenancyError('INVALID_INPUT', 'The Host header is malformed.', { details: { field: 'host' } });
  }
  try {
    return { host, url: new URL(`${req.protocol}://${host}${pathOf(req.originalUrl)}`) };
  } catch (cause) {
    throw new TenancyError('INVALID_INPUT', 'The Host header is malformed.', { details: { field: 'host' }, cause });
  }
}

/**
 * True for a header core must not see as the client sent it (`name` in lowercase): `Host` (core gets Express's host
 * instead), the forwarded-host headers, and HTTP/2 pseudo-headers (":authority"), which are not header fields.
 */
export function isHiddenHeader(name: string): boolean {
  return name === 'host' || name.charCodeAt(0) === 0x3a /* : */ || FORWARDED_HOST_HEADERS.has(name);
}

/** The error for a method a web `Request` cannot carry (CONNECT, TRACE, TRACK). */
export function unsupportedMethod(method: string, cause?: unknown): TenancyError {
  return new TenancyError('INVALID_INPUT', `The method ${method} is not supported.`, {
    details: { field: 'method' },
    cause,
  });
}

/** True for a method a web `Request` refuses. */
export function isForbiddenMethod(method: string): boolean {
  return FORBIDDEN_METHODS.has(method.toUpperCase());
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
