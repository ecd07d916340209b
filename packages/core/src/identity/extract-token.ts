import { TenancyError } from '../errors/tenancy-error.js';
import type { RequestLike } from '../resolve/request-like.js';

/** Options for {@link extractToken}. */
export interface ExtractTokenOptions {
  /** Also read the token from this cookie. */
  cookie?: string | undefined;
}

// RFC 6750 b64token after exactly one space. Anything else that starts with "bearer" is a malformed attempt.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;
const BEARER_LIKE = /^bearer/i;
// A compact JWS: three base64url parts. Cookies carry nothing else for us.
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Reads the bearer token of a request: `Authorization: Bearer <token>`, parsed strictly, and optionally a cookie.
 * Returns `undefined` when the request carries none (including other schemes such as `Basic`, which belong to other
 * authenticators); throws `UNAUTHENTICATED` when one is there but malformed, or when header and cookie disagree.
 * The token itself never appears in a message.
 * @example
 * const token = extractToken(request, { cookie: 'access_token' });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/identity.md#where-the-token-comes-from
 */
export function extractToken(request: Request | RequestLike, options: ExtractTokenOptions = {}): string | undefined {
  const fromHeader = tokenFromAuthorization(request.headers.get('authorization'));
  const fromCookie =
    options.cookie === undefined ? undefined : tokenFromCookie(request.headers.get('cookie'), options.cookie);
  if (fromHeader !== undefined && fromCookie !== undefined && fromHeader !== fromCookie) {
    // Two credentials that disagree: picking one would let a planted cookie or header decide who the caller is.
    throw new TenancyError(
      'UNAUTHENTICATED',
      'The Authorization header and the token cookie carry different tokens. Send one credential.',
    );
  }
  return fromHeader ?? fromCookie;
}

function tokenFromAuthorization(value: string | null): string | undefined {
  if (value === null) return undefined;
  const match = BEARER.exec(value);
  if (match !== null) return match[1];
  if (BEARER_LIKE.test(value)) {
    throw new TenancyError(
      'UNAUTHENTICATED',
      'Malformed Authorization header: expected "Bearer <token>" with one space and a single token.',
    );
  }
  return undefined;
}

function tokenFromCookie(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  let found: string | undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (value.length === 0) continue;
    if (!COMPACT_JWT.test(value)) {
      throw new TenancyError('UNAUTHENTICATED', `Malformed "${name}" cookie: expected a JWT.`);
    }
    // The same cookie twice (e.g. one planted for a parent domain) with different values: refuse rather than guess.
    if (found !== undefined && found !== value) {
      throw new TenancyError('UNAUTHENTICATED', `The "${name}" cookie is set more than once with different values.`);
    }
    found = value;
  }
  return found;
}
