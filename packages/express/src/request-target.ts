import { TenancyError } from '@tenancy/core';
import type { Request as ExpressRequest } from 'express';

// A host name or bracketed IPv6 literal, optionally with a port. Core normalizes and validates the name itself.
const HOST_PATTERN = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s/\\?#@[\]:]+)(?::\d{1,5})?$/;

// Dropped because Express already applied its `trust proxy` setting to compute the host: core must not get a second
// chance to read a forwarded host, or a client could pick the tenant on an app that does not trust any proxy.
const FORWARDED_HOST_HEADERS: ReadonlySet<string> = new Set(['x-forwarded-host', 'forwarded']);

// The methods a fetch `Request` refuses (case-insensitive). They never carry a tenant's work.
const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);

// Hosts the WHATWG URL parser certainly accepts: labels of ASCII letters, digits and hyphens, the last one starting
// with a letter (so the parser never reads the host as an IPv4 number, which it may refuse: "a.123", "a.0x1f"), no
// "xn--" label (punycode, which it decodes and may refuse), and a port of at most 65535.
const PLAIN_HOST = /^(?:[A-Za-z0-9-]+\.)*[A-Za-z][A-Za-z0-9-]*(?::(\d{1,5}))?$/;
const PUNYCODE_LABEL = /(?:^|\.)xn--/i;

/**
 * True when the URL `<protocol>://<host><path>` certainly parses, whatever the path (the parser refuses no path of an
 * http(s) URL). False says nothing: the URL has to be parsed to know.
 */
export function isPlainTarget(protocol: string, host: string): boolean {
  if (protocol !== 'http' && protocol !== 'https') return false;
  const match = PLAIN_HOST.exec(host);
  if (match === null || PUNYCODE_LABEL.test(host)) return false;
  const port = match[1];
  return port === undefined || Number(port) <= 65535;
}

/** Where an Express request goes, as core sees it: the host Express computed and the absolute URL. */
export class RequestTarget {
  readonly host: string;
  readonly #spec: string;
  #url: URL | undefined;

  constructor(host: string, spec: string, url: URL | undefined) {
    this.host = host;
    this.#spec = spec;
    this.#url = url;
  }

  /** The URL, parsed on first read when it was not parsed already (it then parses without fail: `isPlainTarget`). */
  get url(): URL {
    this.#url ??= new URL(this.#spec);
    return this.#url;
  }
}

/**
 * The host (Express's `req.host`, so `trust proxy` decides about `X-Forwarded-Host`) and the URL of a request.
 * Throws INVALID_INPUT when the host is missing or malformed, as the URL parser would judge it: a URL that might not
 * parse is parsed now, so a host it refuses is refused whether or not anything reads the URL later.
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
  const protocol = req.protocol;
  const spec = `${protocol}://${host}${pathOf(req.originalUrl)}`;
  if (isPlainTarget(protocol, host)) return new RequestTarget(host, spec, undefined);
  try {
    return new RequestTarget(host, spec, new URL(spec));
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
  // Every forbidden method starts with "c" or "t" (any case): the others need no uppercase copy.
  const first = method.charCodeAt(0) | 0x20;
  if (first !== 0x63 && first !== 0x74) return false;
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
