import { TenancyError } from '../errors/tenancy-error.js';

// Longest raw input we look at: 253 (DNS maximum) + ":65535" + a trailing dot + slack for IDNA input that shrinks.
// Anything longer is refused before any other work, so a 10 kB Host header costs one length check.
const MAX_RAW_LENGTH = 300;
const MAX_HOST_LENGTH = 253;

// Plain ASCII host characters. Anything else in the ASCII range ('/', '@', '%', '\\', ':', '_', controls, spaces) is
// refused before IDNA, because handing it to the URL parser would let it re-split the authority
// ("evil.test/acme.example.com" parses as host "evil.test") or percent-decode it.
const ASCII_HOST = /^[A-Za-z0-9.-]+$/;
const ASCII_OR_UNICODE = /^(?:[A-Za-z0-9.-]|\P{ASCII})+$/u;
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DNS_HOST = new RegExp(`^(?:${LABEL}\\.)*${LABEL}$`);
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
// Only the canonical dotted quad. "127.1", "0x7f.0.0.1" and "0177.0.0.1" are IPv4 to a WHATWG parser but fall
// through to the label rules here, where a numeric last label refuses them.
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
// WHATWG "ends in a number": such a host is parsed as IPv4, never as a domain.
const NUMERIC_LAST_LABEL = /(?:^|\.)(?:[0-9]+|0x[0-9a-f]*)$/;
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]+\]$/;
const PORT = /^[0-9]{0,5}$/;

/**
 * Normalizes a host (a `Host` header value, a forwarded host, a configured domain) to the one form tenancy compares
 * and stores: lowercase ASCII (IDNA ToASCII for Unicode names), no port, no trailing dot, every label 1–63 characters
 * of `a-z 0-9 -` without a leading or trailing hyphen, at most 253 characters. IPv4 literals come back as a canonical
 * dotted quad, IPv6 literals in brackets (check with {@link isIpHost}). Throws `INVALID_INPUT` saying what was wrong;
 * the message never repeats the input.
 * @example
 * normalizeHost('ACME.Example.com.:443'); // 'acme.example.com'
 * normalizeHost('bücher.example');        // 'xn--bcher-kva.example'
 * normalizeHost('a..example.com');        // throws INVALID_INPUT (empty label)
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md#host-rules
 */
export function normalizeHost(input: string): string {
  return normalizeHostFrom(input, 'The host');
}

/**
 * True for a host that {@link normalizeHost} returned as an IP literal. IP hosts never name a tenant: not through a
 * subdomain, not as a custom domain.
 * @example
 * isIpHost(normalizeHost('[::1]:3000')); // true
 */
export function isIpHost(host: string): boolean {
  return host.charCodeAt(0) === 0x5b /* [ */ || IPV4.test(host);
}

/** {@link normalizeHost} with the subject of the error message named (`The X-Forwarded-Host header`). */
export function normalizeHostFrom(input: string, subject: string): string {
  if (typeof input !== 'string' || input.length === 0) throw hostError(subject, 'is empty');
  if (input.length > MAX_RAW_LENGTH) throw hostError(subject, `is longer than ${MAX_HOST_LENGTH} characters`);

  if (input.charCodeAt(0) === 0x5b /* [ */) return normalizeIpv6(input, subject);

  let host = input;
  const colon = input.indexOf(':');
  if (colon !== -1) {
    if (input.indexOf(':', colon + 1) !== -1) {
      throw hostError(subject, 'has more than one ":" (an IPv6 address must be written in brackets)');
    }
    checkPort(input.slice(colon + 1), subject);
    host = input.slice(0, colon);
  }
  if (host.length === 0) throw hostError(subject, 'has no host name');

  if (ASCII_HOST.test(host)) {
    host = host.toLowerCase();
  } else if (ASCII_OR_UNICODE.test(host)) {
    host = toAscii(host, subject);
  } else {
    throw hostError(subject, 'contains characters that are not allowed in a host name (only a-z, 0-9, "-" and ".")');
  }

  // One trailing dot is the DNS root ("acme.example.com." is "acme.example.com"); a second one is an empty label.
  if (host.charCodeAt(host.length - 1) === 0x2e /* . */) host = host.slice(0, -1);
  if (host.length === 0) throw hostError(subject, 'has no host name');
  if (host.length > MAX_HOST_LENGTH) throw hostError(subject, `is longer than ${MAX_HOST_LENGTH} characters`);
  if (IPV4.test(host)) return host;
  if (!DNS_HOST.test(host)) throw hostError(subject, labelProblem(host));
  if (NUMERIC_LAST_LABEL.test(host)) {
    throw hostError(subject, 'ends in a number but is not a dotted-quad IPv4 address');
  }
  return host;
}

function normalizeIpv6(input: string, subject: string): string {
  const end = input.indexOf(']');
  if (end === -1) throw hostError(subject, 'has an IPv6 address without its closing "]"');
  const rest = input.slice(end + 1);
  if (rest.length > 0) {
    if (rest.charCodeAt(0) !== 0x3a /* : */) throw hostError(subject, 'has characters after its IPv6 address');
    checkPort(rest.slice(1), subject);
  }
  const literal = input.slice(0, end + 1);
  // Zone ids ("%25eth0") and anything but hex, ':' and '.' are refused before the URL parser sees the literal.
  if (!IPV6_LITERAL.test(literal)) throw hostError(subject, 'is not a valid IPv6 address');
  try {
    return new URL(`http://${literal}/`).hostname;
  } catch {
    throw hostError(subject, 'is not a valid IPv6 address');
  }
}

function checkPort(port: string, subject: string): void {
  // RFC 9110 allows an empty port ("host:"); more than 5 digits or a value above 65535 is not a port.
  if (!PORT.test(port) || (port.length > 0 && Number(port) > 65535)) {
    throw hostError(subject, 'has an invalid port');
  }
}

function toAscii(host: string, subject: string): string {
  // WHATWG URL host parsing is UTS #46 ToASCII (mapping, NFC, punycode, CheckBidi/CheckJoiners). Only non-ASCII hosts
  // pay for it. The ASCII characters in `host` are already limited to [A-Za-z0-9.-], so nothing can change how the
  // authority is split.
  let ascii: string;
  try {
    ascii = new URL(`http://${host}/`).hostname;
  } catch {
    throw hostError(subject, 'is not a valid internationalized host name');
  }
  // Mapping may turn a Unicode full stop into '.', or yield an IPv6 literal; the strict checks that follow decide.
  if (ascii.charCodeAt(0) === 0x5b /* [ */) throw hostError(subject, 'is not a valid host name');
  return ascii;
}

// Runs only on the error path, to say which rule was broken.
function labelProblem(host: string): string {
  const labels = host.split('.');
  for (const label of labels) {
    if (label.length === 0) return 'has an empty label ("..", or a leading dot)';
    if (label.length > 63) return 'has a label longer than 63 characters';
    if (label.charCodeAt(0) === 0x2d || label.charCodeAt(label.length - 1) === 0x2d) {
      return 'has a label that starts or ends with "-"';
    }
  }
  return 'contains characters that are not allowed in a host name (only a-z, 0-9, "-" and ".")';
}

function hostError(subject: string, problem: string): TenancyError {
  return new TenancyError('INVALID_INPUT', `${subject} ${problem}.`, { details: { field: 'host' } });
}
