import { TenancyError } from '../errors/tenancy-error.js';
import type { RequestLikeHeaders } from './request-like.js';

/** The header a trusted proxy writes the original host into. */
export type ForwardedHostHeader = 'x-forwarded-host' | 'forwarded';

/**
 * Which proxies in front of the app are trusted to report the host the client asked for.
 * `false` (default): forwarded headers are ignored; the `Host` header is used. `true`: one proxy that writes
 * `X-Forwarded-Host`. `{ hops, header }`: `hops` proxies in a chain, and which header they append to.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md#trusted-proxies
 */
export type TrustProxyOption =
  | boolean
  | {
      /** How many proxies sit between the client and the app, each appending to the header. Default 1. */
      hops?: number | undefined;
      /** Default `x-forwarded-host`. Trust only the header your proxy overwrites or appends to. */
      header?: ForwardedHostHeader | undefined;
    };

/** A validated, resolved {@link TrustProxyOption}. */
export interface TrustedProxy {
  readonly hops: number;
  readonly header: ForwardedHostHeader;
}

/**
 * The raw host a trusted proxy reported, or `undefined` when the header is absent (or, for `Forwarded`, the chosen
 * element has no `host`). Which entry of a comma list: a proxy appends what it saw to the right of whatever the client
 * sent, so the right end is ours and the left end is the client's. With `hops` trusted proxies, the entry `hops`
 * places from the right is the one written by the outermost trusted proxy, the one that received the client's
 * request; everything to its left was supplied by the client and is ignored. When the list is shorter than `hops`,
 * every entry was written by a trusted proxy and the leftmost is the outermost one.
 */
export function pickForwardedHost(headers: RequestLikeHeaders, proxy: TrustedProxy): string | undefined {
  const raw = headers.get(proxy.header);
  if (raw === null) return undefined;
  return proxy.header === 'forwarded' ? pickFromForwarded(raw, proxy.hops) : pickFromList(raw, proxy.hops);
}

function pickFromList(raw: string, hops: number): string {
  // Fast path: one proxy, one value (the common case, no split).
  if (raw.indexOf(',') === -1) return raw.trim();
  const entries = raw.split(',');
  return (entries[Math.max(0, entries.length - hops)] ?? '').trim();
}

// RFC 7239: `Forwarded: for=192.0.2.60;proto=https;host=example.com, for=198.51.100.17;host="a.example.com:8443"`.
// Elements are separated by commas, pairs by semicolons, values are tokens or quoted strings.
function pickFromForwarded(raw: string, hops: number): string | undefined {
  const elements = splitOutsideQuotes(raw, 0x2c /* , */);
  const element = elements[Math.max(0, elements.length - hops)] ?? '';
  let host: string | undefined;
  for (const pair of splitOutsideQuotes(element, 0x3b /* ; */)) {
    const eq = pair.indexOf('=');
    if (eq === -1) throw forwardedError('has a parameter without "="');
    if (pair.slice(0, eq).trim().toLowerCase() !== 'host') continue;
    if (host !== undefined) throw forwardedError('has more than one host parameter in one element');
    host = unquote(pair.slice(eq + 1).trim());
  }
  return host;
}

function splitOutsideQuotes(value: string, separator: number): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) quoted = false;
    } else if (c === 0x22) {
      quoted = true;
    } else if (c === separator) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted) throw forwardedError('has an unterminated quoted string');
  parts.push(value.slice(start));
  return parts;
}

function unquote(value: string): string {
  if (value.charCodeAt(0) !== 0x22) return value;
  if (value.length < 2 || value.charCodeAt(value.length - 1) !== 0x22) {
    throw forwardedError('has a malformed quoted string');
  }
  return value.slice(1, -1).replace(/\\(.)/g, '$1');
}

function forwardedError(problem: string): TenancyError {
  return new TenancyError('INVALID_INPUT', `The Forwarded header ${problem}.`, { details: { field: 'host' } });
}
